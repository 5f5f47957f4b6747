import type { WorkspaceInput } from '../../../shared/workspace';
import { emptyWorkspace } from './empty-workspace';

/**
 * The FastAPI tutorial server in full, as routes and socket endpoints a person could have written in the console:
 * its REST API (with FastAPI's 404 and 422 answers), an echo socket, a feed pushing the time every second, and a
 * private socket with an exchange-style signed login (HMAC-SHA256 of timestamp + `GET` + `/users/self/verify`,
 * base64; API key `abc`, secret `def`) that answers and hangs up. Based on Warren Jitsing's "Basic FastAPI"
 * (github.com/InfiniteConsult/0001_basic_fastapi); see docs/websockets.md.
 */
export function fastapiTutorialTemplate(_now: number, name = 'FastAPI tutorial server'): WorkspaceInput {
  return {
    ...emptyWorkspace(
      name,
      'The FastAPI tutorial server: REST on /, /status, /items and /static/data.txt; WebSockets on /ws/echo, ' +
        '/ws/stream and /ws/v5/private (signed login: api key abc, secret def).',
    ),
    routes: [
      {
        id: 'root',
        name: 'Server is running',
        path: '/',
        responses: [{ id: 'ok', body: { json: { message: 'Server is running' } } }],
      },
      { id: 'status', path: '/status', responses: [{ id: 'ok', body: { json: { status: 'ok' } } }] },
      {
        id: 'data-file',
        name: 'The static data file',
        path: '/static/data.txt',
        responses: [
          {
            id: 'file',
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: { text: 'This is a test file served by FastAPI.' },
          },
        ],
      },
      {
        id: 'read-item',
        name: 'One item (only item 1 exists)',
        path: '/items/:item_id',
        validate: {
          params: { type: 'object', properties: { item_id: { type: 'integer' } }, required: ['item_id'] },
        },
        responses: [
          {
            id: 'the-one',
            when: { params: { item_id: 1 } },
            body: { json: { item_id: '{{params.item_id}}', name: 'The One Item' } },
          },
          {
            id: 'not-found',
            status: 404,
            body: { json: { detail: 'Item with ID {{params.item_id}} not found.' } },
          },
        ],
      },
      {
        id: 'create-item',
        name: 'Create an item',
        method: 'POST',
        path: '/items',
        validate: {
          body: {
            type: 'object',
            properties: { name: { type: 'string' }, is_offer: { type: ['boolean', 'null'], default: null } },
            required: ['name'],
          },
        },
        responses: [
          {
            id: 'created',
            status: 201,
            body: { json: { message: 'Item created successfully', item_data: '{{body}}' } },
          },
        ],
      },
    ],
    sockets: [
      {
        id: 'echo',
        name: 'Echo',
        path: '/ws/echo',
        behaviour: { type: 'echo', reply: 'Echo: {{message}}' },
      },
      {
        id: 'stream',
        name: 'The time, every second',
        path: '/ws/stream',
        behaviour: {
          type: 'push',
          intervalMs: 1000,
          frame: { json: { timestamp: '{{now}}', message: 'This is a periodic update from the server.' } },
        },
      },
      {
        id: 'private',
        name: 'Signed login',
        description:
          'Send {"op":"login","args":[{"apiKey":"abc","timestamp":"…","sign":"…"}]} where sign is the base64 ' +
          'HMAC-SHA256, under the secret "def", of timestamp + "GET" + "/users/self/verify". It answers and closes.',
        path: '/ws/v5/private',
        behaviour: {
          type: 'rules',
          rules: [
            {
              id: 'login',
              name: 'A correctly signed login',
              match: {
                binary: false,
                json: [
                  { path: '$.op', equals: 'login' },
                  { path: '$.args[0].apiKey', equals: 'abc' },
                ],
              },
              verify: {
                hmac: {
                  algorithm: 'sha256',
                  secret: 'def',
                  message: '{{json.args.0.timestamp}}GET/users/self/verify',
                  signature: '{{json.args.0.sign}}',
                  encoding: 'base64',
                },
              },
              reply: [{ json: { event: 'login', success: true } }],
              close: { code: 1000 },
            },
            {
              id: 'login-failed',
              name: 'Any other JSON object',
              match: { binary: false, text: '^\\s*\\{', json: [{ path: '$', exists: true }] },
              reply: [{ json: { event: 'login', success: false, message: 'Authentication failed' } }],
              close: { code: 1000 },
            },
          ],
          // Not a JSON object: the tutorial server fails to read it and hangs up without a word.
          unmatched: { close: { code: 1000 } },
        },
      },
    ],
  };
}
