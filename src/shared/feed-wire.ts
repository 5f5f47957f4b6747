import type { FeedItem, FeedServerMessage } from './control-api';

/**
 * The live feed's wire format. Outgoing AG-UI events are JSON the engine produced itself; sending them as JSON
 * strings would escape every one again (the feed's largest cost). So such a frame travels with its text
 * embedded as a raw JSON value (`rawFrameText`) and `text` set to null; `decodeFeedMessage` puts the text
 * back, so both ends work with plain `FeedItem`s.
 */
interface RawParts {
  rawFrameText?: unknown;
}

/**
 * Encodes one item. Only the engine's own AG-UI events (direction out, text, an event type) are embedded raw:
 * other outgoing frames (an echo's reply, a raw frame from the console) are any text, sent as strings.
 */
export function encodeFeedItem(item: FeedItem): string {
  if (item.type === 'frame' && item.frame.direction === 'out' && !item.frame.binary && item.frame.eventType !== null) {
    // Written out by hand: this runs for every frame a console follows, and spreads or a second object cost
    // more than the escaping they would save.
    const { seq, at, size, eventType, text, finding } = item.frame;
    const findingPart = finding ? `,"finding":${JSON.stringify(finding)}` : '';
    return `{"type":"frame","connectionId":${JSON.stringify(item.connectionId)},"frame":{"seq":${seq},"at":${at},"direction":"out","size":${size},"text":null,"binary":false,"eventType":${JSON.stringify(eventType)}${findingPart}},"rawFrameText":${text}}`;
  }
  return JSON.stringify(item);
}

export function encodeBatch(encodedItems: readonly string[], dropped: number): string {
  return `{"type":"batch","items":[${encodedItems.join(',')}],"dropped":${dropped}}`;
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
