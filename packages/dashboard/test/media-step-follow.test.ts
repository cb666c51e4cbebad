/** The media step slider on a live run: following the latest step, keeping a pinned one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexForPin, pinForIndex } from '../src/media/step-follow.js';

describe('step slider', () => {
  it('follows the latest step while not pinned, as the run grows', () => {
    assert.equal(indexForPin([0, 1, 2], null), 2);
    assert.equal(indexForPin([0, 1, 2, 3, 4], null), 4);
    assert.equal(indexForPin([], null), -1);
  });
  it('keeps a pinned step as new steps arrive', () => {
    const pin = pinForIndex([0, 10, 20, 30], 1);
    assert.equal(pin, 10);
    assert.equal(indexForPin([0, 10, 20, 30, 40, 50], pin), 1);
  });
  it('putting the slider on the last step follows the latest again', () => {
    assert.equal(pinForIndex([0, 10, 20], 2), null);
    assert.equal(pinForIndex([0, 10, 20], 5), null);
    assert.equal(pinForIndex([], 0), null);
    assert.equal(pinForIndex([0, 10, 20], -3), 0);
  });
  it('shows the nearest step when the pinned one left the sample, and comes back to it', () => {
    // The server spreads a sample evenly: step 10 may drop out as the run grows.
    const pin = 10;
    assert.equal(indexForPin([0, 8, 16, 24], pin), 1, '8 is nearer than 16');
    assert.equal(indexForPin([0, 6, 13, 20], pin), 2, '13 is nearer than 6');
    assert.equal(indexForPin([0, 5, 15], pin), 1, 'a tie goes to the earlier step');
    assert.equal(indexForPin([20, 30], pin), 0, 'before every step: the first');
    assert.equal(indexForPin([0, 5], pin), 1, 'after every step: the last');
    assert.equal(indexForPin([0, 5, 10, 15], pin), 2, 'listed again: exactly it');
  });
});
