import assert from 'node:assert/strict';
import type { MockServer } from '../../src/server/index';
import type { ConnectionSummary, FrameRecord } from '../../src/shared/connections';
import type { ItemsPage } from '../../src/shared/control-api';
import { controlClient } from './control-client';

/**
 * The frames the newest connection on `path` received from its client, as the console reads them: through the
 * control API, with its token, oldest first.
 */
export async function framesIn(server: MockServer, path: string): Promise<FrameRecord[]> {
  const api = controlClient(server);
  const connections = await api.get<ItemsPage<ConnectionSummary>>(`/connections?path=${encodeURIComponent(path)}`);
  const id = connections.body.items.at(-1)?.id;
  assert.ok(id, `a connection on ${path}`);
  const frames = await api.get<ItemsPage<FrameRecord>>(`/connections/${id}/frames?direction=in`);
  assert.equal(frames.status, 200);
  return frames.body.items.reverse();
}
