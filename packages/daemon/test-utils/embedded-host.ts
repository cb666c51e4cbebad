/**
 * A user's process that runs the daemon embedded, loading it the way the client does (the package's
 * `./embedded` export). Usage: node embedded-host.js <mode> <home> [runId rows]
 * - `finish`: logs `rows` history rows to a run through the embedded daemon's socket, reads its HTTP
 *   status, finishes the run, prints one JSON line `{pid, reply, clients}`, and then simply ends, with
 *   its client socket unref'd but open (as the client library leaves it), leaving the daemon to stop at exit;
 * - `serve`: prints `{pid, socket}` and ends when its stdin closes, leaving the daemon to stop at exit.
 * In both modes the process must then exit by itself.
 */
import { readFileSync } from 'node:fs';
import { RawClient } from './raw-client.js';

// A non-literal specifier: resolved by Node through package.json `exports`, as in a user's process.
const EMBEDDED: string = '@wandb-daemon/daemon/embedded';
const { startEmbeddedDaemon } = (await import(EMBEDDED)) as typeof import('../src/embedded.js');

const [mode, home, runId = 'embedded', rowsArg = '0'] = process.argv.slice(2);
const { paths } = await startEmbeddedDaemon({ home: home! });

if (mode === 'serve') {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, socket: paths.socket })}\n`);
  process.stdin.resume();
} else {
  const client = await RawClient.connect(paths.socket);
  const { run } = await client.startRun({ runId, project: 'embedded' });
  const rows = Number(rowsArg);
  for (let step = 0; step < rows; step += 1) client.log(run, step, { loss: 1 / (step + 1), step2: step * 2 });
  // One HTTP request, so that a keep-alive HTTP connection is open when the script ends.
  const discovery = JSON.parse(readFileSync(paths.discovery, 'utf8')) as { httpPort: number };
  const token = readFileSync(paths.httpToken, 'utf8').trim();
  const status = (await (await fetch(`http://127.0.0.1:${discovery.httpPort}/api/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { clients: number };
  const reply = await client.finish(run);
  client.socket.unref();
  process.stdout.write(`${JSON.stringify({ pid: process.pid, reply, clients: status.clients })}\n`);
}
