/**
 * Entry of the courier child process (see courier.ts): reads the runs from stdin, delivers them and
 * writes `{ confirmed: [runIds] }` to stdout, msgpack-encoded.
 */
import { decodeBody, encodeBody } from '@wandb-daemon/protocol/lite';
import type { CourierRun } from './courier.js';
import { DaemonLink } from './link.js';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const { runs } = decodeBody(await readStdin()) as { runs: CourierRun[] };
const confirmed: string[] = [];
let error: string | undefined;
try {
  const link = await DaemonLink.open({ timeoutMs: 30_000, maxBufferedBytes: Number.MAX_SAFE_INTEGER, program: 'wandb-daemon exit courier' });
  await Promise.all(
    runs.map(async ({ info, remote, records, finish }) => {
      const { run, reply } = await link.startRun(info, 'reattach', remote);
      for (const [seq, bytes] of records) {
        if (seq <= reply.lastSeq) continue;
        const record = decodeBody(bytes) as Record<string, unknown>;
        link.send(run, seq, encodeBody({ ...record, run: reply.run }));
      }
      await link.finish(run, finish.seq, finish.exitCode);
      confirmed.push(info.runId);
    }),
  );
} catch (caught) {
  error = (caught as Error).message;
}
process.stdout.write(encodeBody(error === undefined ? { confirmed } : { confirmed, error }), () => process.exit(0));
