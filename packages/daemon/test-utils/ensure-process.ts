/**
 * Calls ensureDaemon() once, prints `{"pid": <daemon pid>, "spawned": bool}` and keeps the connection
 * open until its stdin closes: many of these started at once test the start race.
 */
import { ensureDaemon } from '../src/lifecycle/ensure-daemon.js';

const home = process.argv[2]!;
const { connection, discovery, spawned } = await ensureDaemon({ home, timeoutMs: 30_000 });
process.stdout.write(`${JSON.stringify({ pid: discovery.pid, spawned })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  connection.socket.destroy();
  process.exit(0);
});
