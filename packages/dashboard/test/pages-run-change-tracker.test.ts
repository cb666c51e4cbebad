/** Which streams a live `run` message moved: pages refetch only those. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunChange } from '../src/live.js';
import { RunChangeTracker } from '../src/pages/run-change-tracker.js';

const change = (h: number, e: number, l: number, state: RunChange['state'] = 'running'): RunChange => ({ entity: 'e', project: 'p', run: 'r', state, historyLineCount: h, eventsLineCount: e, logLineCount: l, updatedAt: '2024-01-01T00:00:00Z' });

describe('RunChangeTracker', () => {
  it('moves only the streams whose line count changed', () => {
    const t = new RunChangeTracker();
    t.next(change(10, 5, 3));
    assert.deepEqual(t.next(change(10, 5, 3)), { history: false, events: false, log: false }, 'a heartbeat moves nothing');
    assert.deepEqual(t.next(change(10, 5, 4)), { history: false, events: false, log: true });
    assert.deepEqual(t.next(change(10, 6, 4)), { history: false, events: true, log: false });
    assert.deepEqual(t.next(change(11, 6, 4)), { history: true, events: false, log: false });
  });

  it('moves history when the run reaches a final state, once', () => {
    const t = new RunChangeTracker();
    t.next(change(10, 0, 0));
    assert.equal(t.next(change(10, 0, 0, 'finished')).history, true);
    assert.equal(t.next(change(10, 0, 0, 'finished')).history, false);
    assert.equal(t.next(change(10, 0, 0, 'preempting')).history, false);
  });

  it('moves everything on a resync (null)', () => {
    const t = new RunChangeTracker();
    t.next(change(1, 1, 1));
    assert.deepEqual(t.next(null), { history: true, events: true, log: true });
    assert.deepEqual(t.next(change(1, 1, 1)), { history: false, events: false, log: false });
  });

  it('without an earlier change, moves the streams that hold lines', () => {
    assert.deepEqual(new RunChangeTracker().next(change(3, 0, 2)), { history: true, events: false, log: true });
  });
});
