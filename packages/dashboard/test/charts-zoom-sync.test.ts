/** The zoom window shared by the charts of a sync group. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getZoom, setZoom, subscribeZoom, type ZoomWindow } from '../src/charts/zoom-sync.js';

describe('zoom sync', () => {
  it('tells every chart of the group, and only that group', () => {
    const a: (ZoomWindow | null)[] = [];
    const b: (ZoomWindow | null)[] = [];
    const other: (ZoomWindow | null)[] = [];
    const offA = subscribeZoom('g1', (w) => a.push(w));
    const offB = subscribeZoom('g1', (w) => b.push(w));
    const offOther = subscribeZoom('g2', (w) => other.push(w));
    setZoom('g1', { min: 10, max: 20 });
    assert.deepEqual(a, [{ min: 10, max: 20 }]);
    assert.deepEqual(b, [{ min: 10, max: 20 }]);
    assert.deepEqual(other, []);
    assert.deepEqual(getZoom('g1'), { min: 10, max: 20 });
    setZoom('g1', null);
    assert.deepEqual(a, [{ min: 10, max: 20 }, null]);
    assert.equal(getZoom('g1'), null);
    offA();
    offB();
    offOther();
  });

  it('ignores repeats and invalid windows (no loops, no empty zoom)', () => {
    const seen: (ZoomWindow | null)[] = [];
    const off = subscribeZoom('g', (w) => seen.push(w));
    setZoom('g', { min: 1, max: 2 });
    setZoom('g', { min: 1, max: 2 });
    setZoom('g', { min: 3, max: 3 });
    setZoom('g', { min: Number.NaN, max: 3 });
    setZoom('g', null);
    setZoom('g', null);
    assert.deepEqual(seen, [{ min: 1, max: 2 }, null]);
    off();
  });

  it('forgets a group when its last chart leaves', () => {
    const off = subscribeZoom('gone', () => {});
    setZoom('gone', { min: 0, max: 1 });
    off();
    assert.equal(getZoom('gone'), null);
    const off2 = subscribeZoom('gone', () => {});
    assert.equal(getZoom('gone'), null);
    off2();
  });

  it('a listener that unsubscribes another during notification does not break the loop', () => {
    const seen: string[] = [];
    let offB: () => void = () => {};
    const offA = subscribeZoom('x', () => {
      seen.push('a');
      offB();
    });
    offB = subscribeZoom('x', () => seen.push('b'));
    setZoom('x', { min: 0, max: 1 });
    assert.deepEqual(seen, ['a', 'b']);
    offA();
  });
});
