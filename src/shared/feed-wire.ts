import type { FeedItem, FeedServerMessage } from './control-api';

/**
 * The live feed's wire format. Frame texts and logged bodies are JSON the engine produced itself; sending them
 * as JSON strings would escape every one again (the feed's largest cost). So an item whose text is complete
 * JSON travels with that text embedded as a raw JSON value next to it (`raw*` keys) and its `text` set to
 * null; `decodeFeedMessage` puts the text back, so both ends work with plain `FeedItem`s.
 */
interface RawParts {
  rawFrameText?: unknown;
  rawRequestBody?: unknown;
  rawResponseBody?: unknown;
}

/** Encodes one item. Only texts marked as the engine's own JSON are embedded raw. */
export function encodeFeedItem(item: FeedItem): string {
  if (item.type === 'frame' && item.frame.direction === 'out' && !item.frame.binary) {
    // Written out by hand: this runs for every frame a console follows, and spreads or a second object cost
    // more than the escaping they would save.
    const { seq, at, size, eventType, text } = item.frame;
    return `{"type":"frame","connectionId":${JSON.stringify(item.connectionId)},"frame":{"seq":${seq},"at":${at},"direction":"out","size":${size},"text":null,"binary":false,"eventType":${JSON.stringify(eventType)}},"rawFrameText":${text}}`;
  }
  if (item.type === 'request') {
    const { requestBody, responseBody } = item.entry;
    const rawRequest = requestBody?.json ? requestBody.text : undefined;
    const rawResponse = responseBody?.json ? responseBody.text : undefined;
    if (rawRequest === undefined && rawResponse === undefined) return JSON.stringify(item);
    const entry = {
      ...item.entry,
      requestBody: requestBody && (rawRequest === undefined ? requestBody : { ...requestBody, text: null }),
      responseBody: responseBody && (rawResponse === undefined ? responseBody : { ...responseBody, text: null }),
    };
    return `{"type":"request","entry":${JSON.stringify(entry)}${rawRequest === undefined ? '' : `,"rawRequestBody":${rawRequest}`}${rawResponse === undefined ? '' : `,"rawResponseBody":${rawResponse}`}}`;
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
    } else if (item.type === 'request') {
      if ('rawRequestBody' in item && item.entry.requestBody) {
        item.entry.requestBody.text = JSON.stringify(item.rawRequestBody);
        delete item.rawRequestBody;
      }
      if ('rawResponseBody' in item && item.entry.responseBody) {
        item.entry.responseBody.text = JSON.stringify(item.rawResponseBody);
        delete item.rawResponseBody;
      }
    }
  }
  return message;
}
