/**
 * W&B's step and commit rules, table-driven. Each case is a sequence of `log(data, { step, commit })`
 * calls and what W&B's internal handler commits for it: the rows (step and merged data), the steps
 * dropped, the step afterwards, and what a final flush (finish) commits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HistoryAccumulator, type CommittedRow } from '../src/history.js';

type Call = [data: Record<string, unknown>, step?: number, commit?: boolean];

interface Case {
  name: string;
  start?: number;
  calls: Call[];
  rows: [number, Record<string, unknown>][];
  dropped?: number[];
  step: number;
  atFinish?: [number, Record<string, unknown>][];
}

const a = { a: 1 };
const b = { b: 2 };
const c = { c: 3 };

const CASES: Case[] = [
  { name: 'each plain call is one step', calls: [[a], [b]], rows: [[0, a], [1, b]], step: 2 },
  { name: 'commit false then a plain call merge into one row', calls: [[a, undefined, false], [b]], rows: [[0, { a: 1, b: 2 }]], step: 1 },
  { name: 'commit false twice stays pending until finish', calls: [[a, undefined, false], [b, undefined, false]], rows: [], step: 0, atFinish: [[0, { a: 1, b: 2 }]] },
  { name: 'an explicit step is not committed by default', calls: [[a, 5]], rows: [], step: 5, atFinish: [[5, a]] },
  { name: 'an explicit step is committed by the next plain call', calls: [[a, 5], [b]], rows: [[5, { a: 1, b: 2 }]], step: 6 },
  { name: 'an explicit step with commit true commits at once', calls: [[a, 5, true]], rows: [[5, a]], step: 6 },
  { name: 'a larger step after a plain call starts a new pending row', calls: [[a], [b, 3]], rows: [[0, a]], step: 3, atFinish: [[3, b]] },
  { name: 'a larger step commits the pending row at the current step first', calls: [[a, undefined, false], [b, 3]], rows: [[0, a]], step: 3, atFinish: [[3, b]] },
  { name: 'the same explicit step twice merges', calls: [[a, 3, false], [b, 3], [c, 4]], rows: [[3, { a: 1, b: 2 }]], step: 4, atFinish: [[4, c]] },
  { name: 'a smaller step is dropped', calls: [[a, 5, true], [b, 2]], rows: [[5, a]], dropped: [2], step: 6 },
  { name: 'the step just committed is already in the past', calls: [[a, 5, true], [b, 5]], rows: [[5, a]], dropped: [5], step: 6 },
  { name: 'a dropped call does not touch the pending row', calls: [[a, 5, false], [b, 1], [c]], rows: [[5, { a: 1, c: 3 }]], dropped: [1], step: 6 },
  { name: 'an empty call commits nothing and keeps the step', calls: [[{}], [{}]], rows: [], step: 0 },
  { name: 'commit true with an empty call commits what is pending', calls: [[a, undefined, false], [{}, undefined, true]], rows: [[0, a]], step: 1 },
  { name: 'commit true alone is one step', calls: [[a, undefined, true], [b, undefined, true]], rows: [[0, a], [1, b]], step: 2 },
  { name: 'an empty row at an explicit step moves the step without a row', calls: [[{}, 3, true], [a]], rows: [[3, a]], step: 4 },
  { name: 'later values of a key win within a step', calls: [[{ x: 1 }, undefined, false], [{ x: 2 }]], rows: [[0, { x: 2 }]], step: 1 },
  { name: 'merging is by top-level key (nested objects are replaced)', calls: [[{ acc: { train: 1 } }, undefined, false], [{ acc: { val: 2 } }]], rows: [[0, { acc: { val: 2 } }]], step: 1 },
  { name: 'the current step given explicitly accumulates', calls: [[a, 0], [b, 0, true]], rows: [[0, { a: 1, b: 2 }]], step: 1 },
  { name: 'a resumed run continues at its starting step', start: 100, calls: [[a], [b, 99], [c, 100]], rows: [[100, a]], dropped: [99, 100], step: 101 },
  { name: 'commit false at an explicit step, then a plain call', calls: [[a, 2, false], [b]], rows: [[2, { a: 1, b: 2 }]], step: 3 },
  { name: 'a larger step with commit false', calls: [[a], [b, 7, false], [c, 8, false]], rows: [[0, a], [7, b]], step: 8, atFinish: [[8, c]] },
];

function rowsOf(rows: CommittedRow[]): [number, Record<string, unknown>][] {
  return rows.map((row) => [row.step, row.data]);
}

describe('log step and commit rules (W&B handler semantics)', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const history = new HistoryAccumulator(testCase.start ?? 0);
      const rows: CommittedRow[] = [];
      const dropped: number[] = [];
      for (const [data, step, commit] of testCase.calls) {
        const outcome = history.log({ ...data }, step, commit);
        if (outcome.kind === 'dropped') dropped.push(outcome.step);
        else rows.push(...outcome.rows);
      }
      assert.deepEqual(rowsOf(rows), testCase.rows, 'committed rows');
      assert.deepEqual(dropped, testCase.dropped ?? [], 'dropped steps');
      assert.equal(history.step, testCase.step, 'step after the calls');
      assert.deepEqual(rowsOf(history.flush()), testCase.atFinish ?? [], 'committed at finish');
      assert.equal(history.hasPending, false);
    });
  }

  it('reports the current step with a dropped call', () => {
    const history = new HistoryAccumulator(10);
    assert.deepEqual(history.log({ x: 1 }, 3, undefined), { kind: 'dropped', step: 3, current: 10 });
  });
});
