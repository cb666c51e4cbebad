/**
 * Fresh empty directories under one temporary root per test file, removed when the file's tests end.
 * Call at module level: it registers the `before` and `after` hooks.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

export function tempDirs(prefix: string): () => string {
  let root = '';
  let counter = 0;
  before(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  return () => {
    const dir = join(root, `d${(counter += 1)}`);
    mkdirSync(dir);
    return dir;
  };
}
