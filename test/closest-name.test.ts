import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName } from '../src/shared/closest-name';

// The name a mistyped one most likely meant: the CLI's options, a workspace's and the control API's keys, the
// console's search keys.

const SETTINGS = ['maxRecordedMessagesPerSession', 'maxRecordedMessages', 'maxRecordedSessions', 'heartbeatIntervalMs'];

test('a name typed in another case is the one it spells, however many capitals it has', () => {
  assert.equal(closestName('maxrecordedmessagespersession', SETTINGS), 'maxRecordedMessagesPerSession');
  assert.equal(closestName('HEARTBEATINTERVALMS', SETTINGS), 'heartbeatIntervalMs');
  assert.equal(closestName('heartbeatintervalm', SETTINGS), 'heartbeatIntervalMs', 'and with a typo besides');
});

test('the start of exactly one name, or a typo or two, suggests it; a tie or a stranger suggests nothing', () => {
  assert.equal(closestName('work', ['workspace', 'port']), 'workspace');
  assert.equal(closestName('prot', ['port', 'host']), 'port');
  assert.equal(closestName('maxrecorded', SETTINGS), undefined, 'the start of three names');
  assert.equal(closestName('maxRecordedSesions', SETTINGS), 'maxRecordedSessions');
  assert.equal(closestName('timeout', SETTINGS), undefined);
});
