import type { FeedItem, FeedServerMessage } from './control-api';

/**
 * The live feed's wire format. Outgoing AG-UI events are JSON the engine produced itself; sending them as JSON
 * strings would escape every one again (the feed's largest cost). So such a frame travels with its text
 * embedded as a raw JSON value (`rawFrameText`) and `text` set to null; `decodeFeedMessage` puts the text
 * back, so both ends work with plain `FeedItem`s. The engine writes it in `server/control/feed-batch.ts`.
 */
interface RawParts {
  rawFrameText?: unknown;
}

/** Parses a feed message and restores the texts that travelled as raw JSON. */
export function decodeFeedMessage(data: string): FeedServerMessage {
  const message = JSON.parse(data) as FeedServerMessage;
  if (message.type !== 'batch') return message;
  for (const item of message.items as (FeedItem & RawParts)[]) {
    if (item.type === 'frame' && 'rawFrameText' in item) {
      item.frame.text = JSON.stringify(item.rawFrameText);
      delete item.rawFrameText;
    }
  }
  return message;
}
