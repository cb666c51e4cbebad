/** The media file cache: one fetch per file while kept, failures not kept, least recently used evicted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileCache } from '../src/media/file-cache.js';

const blob = (bytes: number) => new Blob([new Uint8Array(bytes)]);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FileCache', () => {
  it('fetches a file once while it is kept', async () => {
    const cache = new FileCache(1000);
    let loads = 0;
    const load = async () => {
      loads++;
      return blob(10);
    };
    const [a, b] = await Promise.all([cache.get('r\na.png', load), cache.get('r\na.png', load)]);
    assert.equal(a, b);
    await cache.get('r\na.png', load);
    assert.equal(loads, 1);
    assert.equal(cache.size, 10);
  });
  it('does not keep a failure: asking again fetches again', async () => {
    const cache = new FileCache(1000);
    let loads = 0;
    const failing = async () => {
      loads++;
      throw new Error('404');
    };
    await assert.rejects(cache.get('r\nx.png', failing));
    await tick();
    await assert.rejects(cache.get('r\nx.png', failing));
    assert.equal(loads, 2);
  });
  it('evicts the least recently used files past the byte budget', async () => {
    const cache = new FileCache(25);
    const loads: string[] = [];
    const get = (id: string) =>
      cache.get(id, async () => {
        loads.push(id);
        return blob(10);
      });
    await get('a');
    await get('b');
    await tick();
    await get('a'); // a is now the most recently used
    await get('c'); // 30 bytes: b goes
    await tick();
    assert.equal(cache.size, 20);
    await get('a');
    await get('c');
    assert.deepEqual(loads, ['a', 'b', 'c']);
    await get('b');
    assert.deepEqual(loads, ['a', 'b', 'c', 'b'], 'b was evicted');
  });
  it('keeps a file larger than the budget until the next one comes', async () => {
    const cache = new FileCache(5);
    let loads = 0;
    const big = async () => {
      loads++;
      return blob(50);
    };
    await cache.get('big', big);
    await tick();
    await cache.get('big', big);
    assert.equal(loads, 1);
  });
});
