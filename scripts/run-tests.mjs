#!/usr/bin/env node
// Runs every compiled test file of every package with Node's test runner, one file at a time
// (integration tests start daemons and child processes; two cores are shared by all of them).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'dist', 'test');
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.test.js')) continue;
    const path = join(dir, name);
    if (filter.length === 0 || filter.some((f) => path.includes(f))) files.push(path);
  }
}
if (files.length === 0) {
  console.error('no test files found: did the build run?');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=180000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
