/**
 * Console capture: what a script prints to stdout and stderr while a run is live becomes the run's
 * console lines (output.log), in order, with `\r` progress bars as their final text, unchanged for the
 * user, and nothing is lost at finish, `process.exit()` or an uncaught exception. Real child
 * processes against a real daemon; the line assembly is also tested on its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { LineAssembler, MAX_LINE_CHARS, TRUNCATED_MARKER } from '../src/console-lines.js';
import { runScript, type ScriptResult } from './client-process.js';
import { storedConsole, type StoredConsoleLine } from './stored-runs.js';

const CHILD_TIMEOUT_MS = 30_000;
const CAPTURE_URL = new URL('../src/console-capture.js', import.meta.url).href;

const daemon = new TempDaemon();
let env: NodeJS.ProcessEnv;

before(async () => {
  await daemon.start();
  env = { ...daemon.env, WANDB_SILENT: 'true', WANDB_CONSOLE: '' };
});
after(() => daemon.dispose());

const out = (text: string): StoredConsoleLine => ({ stream: 'stdout', text });
const err = (text: string): StoredConsoleLine => ({ stream: 'stderr', text });

/** Runs a script that must exit with `code`; returns its result. */
async function run(body: string, code = 0, extraEnv: NodeJS.ProcessEnv = {}): Promise<ScriptResult> {
  const result = await runScript(body, { ...env, ...extraEnv }, CHILD_TIMEOUT_MS);
  assert.equal(result.code, code, `exit code\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

async function runState(id: string): Promise<{ state: string; exitCode: number }> {
  const { body } = await daemon.http(`/api/runs/${id}`);
  return { state: body.state, exitCode: body.exitCode };
}

describe('console capture in a script', () => {
  it('stores stdout and stderr lines in order, with their stream; the user sees the output unchanged; finish unwraps', async () => {
    const result = await run(`
const original = { out: process.stdout.write, err: process.stderr.write, ownOut: Object.hasOwn(process.stdout, 'write') };
const run = await wandb.init({ project: 'console', id: 'streams' });
const wrapped = process.stdout.write !== original.out && process.stderr.write !== original.err;
console.log('first out');
console.error('first err');
process.stdout.write('second ');
process.stdout.write('out\\nthird out\\n');
process.stderr.write(new Uint8Array(Buffer.from('bytes err\\n')));
const word = Buffer.from('héllo wörld\\n');
process.stdout.write(word.subarray(0, 2)); // splits the é across two writes
process.stdout.write(word.subarray(2));
process.stdout.write('6869207468657265', 'hex');
process.stdout.write('\\n');
await new Promise((resolve) => process.stdout.write('with callback\\n', 'utf8', resolve));
await new Promise((resolve) => process.stderr.write('callback only\\n', resolve));
const returned = process.stdout.write('returned\\n');
console.log('');
process.stdout.write('tail without newline');
await run.finish();
process.stdout.write('\\nafter finish\\n');
console.error(JSON.stringify({
  wrapped,
  returned,
  restored: process.stdout.write === original.out && process.stderr.write === original.err,
  ownOut: Object.hasOwn(process.stdout, 'write') === original.ownOut,
}));
`);
    assert.equal(result.stdout, 'first out\nsecond out\nthird out\nhéllo wörld\nhi there\nwith callback\nreturned\n\ntail without newline\nafter finish\n');
    assert.equal(result.stderr, `first err\nbytes err\ncallback only\n${JSON.stringify({ wrapped: true, returned: true, restored: true, ownOut: true })}\n`);
    assert.deepEqual(await storedConsole(daemon, 'streams'), [
      out('first out'),
      err('first err'),
      out('second out'),
      out('third out'),
      err('bytes err'),
      out('héllo wörld'),
      out('hi there'),
      out('with callback'),
      err('callback only'),
      out('returned'),
      out(''),
      out('tail without newline'),
    ]);
  });

  it('stores a \\r progress bar as its final text, and an unfinished line after a quiet second', async () => {
    await run(`
const run = await wandb.init({ project: 'console', id: 'progress' });
for (let i = 0; i <= 100; i += 10) process.stdout.write(\`\\rtraining [\${'#'.repeat(i / 10).padEnd(10)}] \${i}%\`);
process.stdout.write('\\n');
process.stdout.write('eval 50%\\reval 100%\\r\\n'); // a \\r right before the newline keeps the line
process.stdout.write('windows line\\r\\n');
process.stdout.write('waiting for the server...');
await new Promise((resolve) => setTimeout(resolve, 1500));
process.stdout.write(' done\\n');
process.stdout.write('prompt> ');
await new Promise((resolve) => setTimeout(resolve, 1500));
process.stdout.write('\\n'); // ends the line already sent: no empty line
await run.finish();
`);
    assert.deepEqual(await storedConsole(daemon, 'progress'), [
      out('training [##########] 100%'),
      out('eval 100%'),
      out('windows line'),
      out('waiting for the server...'),
      out(' done'),
      out('prompt> '),
    ]);
  });

  it("captures the library's own wandb: lines, and cuts a huge line", async () => {
    await run(
      `
const run = await wandb.init({ project: 'console', id: 'own-lines' });
process.stdout.write('x'.repeat(${MAX_LINE_CHARS * 3}) + '\\nnext\\n');
await run.finish();
`,
      0,
      { WANDB_SILENT: '' },
    );
    const lines = await storedConsole(daemon, 'own-lines');
    assert.match(lines[0]!.text, /^wandb: Tracking run .* \(own-lines\) in project console/);
    assert.equal(lines[0]!.stream, 'stderr');
    assert.deepEqual(lines.slice(1), [out('x'.repeat(MAX_LINE_CHARS) + TRUNCATED_MARKER), out('next')]);
  });

  for (const [label, options, extraEnv] of [
    ["settings.console: 'off'", `{ project: 'console', id: 'off-setting', settings: { console: 'off' } }`, {}],
    ['WANDB_CONSOLE=off', `{ project: 'console', id: 'off-env' }`, { WANDB_CONSOLE: 'off' }],
    ['mode disabled', `{ project: 'console', id: 'off-disabled', mode: 'disabled' }`, {}],
  ] as const) {
    it(`${label}: captures nothing and leaves the streams alone`, async () => {
      const result = await run(
        `
const original = process.stdout.write;
const run = await wandb.init(${options});
console.log('not captured', process.stdout.write === original);
await run.finish();
`,
        0,
        extraEnv,
      );
      assert.equal(result.stdout, 'not captured true\n');
      if (label !== 'mode disabled') assert.deepEqual(await storedConsole(daemon, options.match(/id: '([^']+)'/)![1]!), []);
    });
  }

  it('stores the lines written right before process.exit(), the unfinished one included', async () => {
    await run(
      `
const run = await wandb.init({ project: 'console', id: 'exit' });
for (let i = 0; i < 1000; i += 1) console.log('line ' + i);
console.error('about to exit');
process.stdout.write('no newline before exit');
process.exit(3);
`,
      3,
    );
    const lines = await storedConsole(daemon, 'exit');
    assert.equal(lines.length, 1002);
    assert.deepEqual(lines.slice(0, 2), [out('line 0'), out('line 1')]);
    assert.deepEqual(lines.slice(-3), [out('line 999'), err('about to exit'), out('no newline before exit')]);
    assert.deepEqual(await runState('exit'), { state: 'failed', exitCode: 3 });
  });

  it('stores the lines written before an uncaught exception, and the error Node prints', async () => {
    const result = await run(
      `
const run = await wandb.init({ project: 'console', id: 'uncaught' });
console.log('epoch 1');
process.stderr.write('loading');
setTimeout(() => { throw new Error('training blew up'); }, 10);
`,
      1,
    );
    assert.match(result.stderr, /^loading.*Error: training blew up/s, 'the user still sees the error');
    const lines = await storedConsole(daemon, 'uncaught');
    assert.deepEqual(lines.slice(0, 3), [out('epoch 1'), err('loading'), err('Error: training blew up')]);
    assert.ok(lines.slice(3).every((line) => line.stream === 'stderr' && line.text.startsWith('    at ')), JSON.stringify(lines));
    assert.deepEqual(await runState('uncaught'), { state: 'failed', exitCode: 1 });
  });

  it('sends every line to each live run (reinit create_new); the first to finish gets the unfinished line', async () => {
    const result = await run(`
const original = process.stdout.write;
const a = await wandb.init({ project: 'console', id: 'multi-a' });
console.log('only a');
await new Promise((resolve) => setImmediate(resolve));
const b = await wandb.init({ project: 'console', id: 'multi-b', reinit: 'create_new' });
console.log('both');
process.stdout.write('half ');
await a.finish();
const stillWrapped = process.stdout.write !== original;
process.stdout.write('line\\n');
console.log('only b');
await b.finish();
console.log('none', stillWrapped, process.stdout.write === original);
`);
    assert.match(result.stdout, /none true true\n$/);
    assert.deepEqual(await storedConsole(daemon, 'multi-a'), [out('only a'), out('both'), out('half ')]);
    assert.deepEqual(await storedConsole(daemon, 'multi-b'), [out('both'), out('half line'), out('only b')]);
  });

  it('leaves a pass-through when someone wrapped the stream after it, and captures once when a run starts again', async () => {
    const result = await run(`
const original = process.stdout.write;
const seen = [];
const run1 = await wandb.init({ project: 'console', id: 'chained-1' });
const ours = process.stdout.write;
process.stdout.write = function (chunk, ...rest) { seen.push(String(chunk)); return ours.call(this, chunk, ...rest); };
const theirs = process.stdout.write;
console.log('one');
await run1.finish();
const kept = process.stdout.write === theirs;
console.log('between');
const run2 = await wandb.init({ project: 'console', id: 'chained-2' });
console.log('two');
await run2.finish();
process.stderr.write(JSON.stringify({ kept, theirsAgain: process.stdout.write === theirs, seen }) + '\\n');
`);
    assert.equal(result.stdout, 'one\nbetween\ntwo\n');
    assert.deepEqual(JSON.parse(result.stderr), { kept: true, theirsAgain: true, seen: ['one\n', 'between\n', 'two\n'] });
    assert.deepEqual(await storedConsole(daemon, 'chained-1'), [out('one')]);
    assert.deepEqual(await storedConsole(daemon, 'chained-2'), [out('two')]);
  });

  it('wraps no stream before init and passes writes through unchanged in a tight loop', async () => {
    const result = await run(`
import { isCapturingConsole } from ${JSON.stringify(CAPTURE_URL)};
const before = isCapturingConsole();
const run = await wandb.init({ project: 'console', id: 'loop' });
for (let i = 0; i < 20000; i += 1) console.log(i);
await run.finish();
console.error(JSON.stringify({ before, after: isCapturingConsole() }));
`);
    assert.equal(result.stdout, Array.from({ length: 20000 }, (_, i) => `${i}\n`).join(''));
    assert.deepEqual(JSON.parse(result.stderr), { before: false, after: false });
    const lines = await storedConsole(daemon, 'loop');
    assert.equal(lines.length, 20000);
    assert.ok(lines.every((line, i) => line.stream === 'stdout' && line.text === String(i)));
  });
});

describe('LineAssembler', () => {
  function assemble(...chunks: string[]): { lines: string[]; partial: string | null } {
    const assembler = new LineAssembler();
    const lines: string[] = [];
    for (const chunk of chunks) assembler.push(chunk, (line) => lines.push(line));
    return { lines, partial: assembler.takePartial(true) };
  }

  it('splits on \\n and holds the unfinished line', () => {
    assert.deepEqual(assemble('a\nb', 'c\n\nd'), { lines: ['a', 'bc', ''], partial: 'd' });
  });

  it('keeps the text after the last \\r, across writes; a \\r before the newline erases nothing', () => {
    assert.deepEqual(assemble('10%', '\r20%', '\r', '30%\n'), { lines: ['30%'], partial: null });
    assert.deepEqual(assemble('abc\r\r\n', 'def\r\n', 'x\ry\rz'), { lines: ['abc', 'def'], partial: 'z' });
    assert.deepEqual(assemble('bar\r'), { lines: [], partial: 'bar' });
  });

  it('cuts a long line without building it whole, in one write or many', () => {
    const long = 'y'.repeat(MAX_LINE_CHARS + 10);
    const cut = 'y'.repeat(MAX_LINE_CHARS) + TRUNCATED_MARKER;
    assert.deepEqual(assemble(`${long}\nok\n`), { lines: [cut, 'ok'], partial: null });
    assert.deepEqual(assemble(long.slice(0, 100), long.slice(100), '\n'), { lines: [cut], partial: null });
    assert.deepEqual(assemble(long, '\rshort\n'), { lines: ['short'], partial: null });
  });

  it('after takePartial, the rest of that line is a line of its own and its bare newline adds nothing', () => {
    const assembler = new LineAssembler();
    const lines: string[] = [];
    assembler.push('prompt> ', (line) => lines.push(line));
    assert.equal(assembler.peekPartial(), 'prompt> ');
    assert.equal(assembler.takePartial(), 'prompt> ');
    assembler.push('\nnext\n', (line) => lines.push(line));
    assert.deepEqual(lines, ['next']);
  });
});
