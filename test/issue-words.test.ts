import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { issueWords } from '../src/shared/issue-words';

const words = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  assert.equal(result.success, false);
  return Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issueWords(issue)]));
};

test("a schema problem in plain words, not the schema library's; a schema's own message kept", () => {
  const schema = z.strictObject({
    id: z.string().min(1),
    name: z.string().min(3).max(5),
    port: z.number().int().min(0).max(65535),
    share: z.number().gt(0).lt(1),
    tags: z.array(z.string()).min(1).max(2),
    kind: z.enum(['route', 'agent']),
    on: z.boolean(),
    path: z.string().startsWith('/', 'a path starts with /'),
    responses: z.array(z.string()).min(1, 'a route needs at least one response'),
    missing: z.string(),
  });
  assert.deepEqual(
    words(schema, {
      id: '',
      name: 'ab',
      port: 1.5,
      share: 1,
      tags: ['a', 'b', 'c'],
      kind: 'socket',
      on: 'yes',
      path: 'users',
      responses: [],
      extra: 1,
    }),
    {
      id: 'must not be empty',
      name: 'needs at least 3 characters',
      port: 'must be a whole number',
      share: 'must be less than 1',
      tags: 'takes at most 2 items',
      kind: 'must be one of "route", "agent"',
      on: 'must be true or false',
      path: 'a path starts with /',
      responses: 'a route needs at least one response',
      missing: 'required',
      '': 'unknown field extra',
    },
  );
  assert.deepEqual(words(z.object({ n: z.number().min(0), s: z.string().max(2) }), { n: -1, s: 'abc' }), {
    n: 'must be at least 0',
    s: 'must be at most 2 characters',
  });
});
