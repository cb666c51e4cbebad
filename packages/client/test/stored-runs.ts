/**
 * What integration tests read back from a real daemon: a run's stored history and console output through the HTTP API,
 * the assertion that a run was stored whole, and the daemon processes serving a home.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';

/** One stored history line: its step and the parsed row. */
export interface StoredRow {
  step: number;
  row: Record<string, unknown>;
}

/** Every stored history line of a run, read page by page through the HTTP API. */
export async function storedHistory(daemon: TempDaemon, runId: string): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  let next: number | null = 0;
  while (next !== null) {
    const { status, body } = await daemon.http(`/api/runs/${runId}/history?format=lines&minStep=${next}`);
    assert.equal(status, 200, `history of ${runId}: ${JSON.stringify(body)}`);
    for (const { step, line } of body.lines as { step: number; line: string }[]) rows.push({ step, row: JSON.parse(line) });
    next = body.next;
  }
  return rows;
}

/** One stored console line (the daemon's output.log). */
export interface StoredConsoleLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Every stored console line of a run, in order, read page by page through the HTTP API. */
export async function storedConsole(daemon: TempDaemon, runId: string): Promise<StoredConsoleLine[]> {
  const lines: StoredConsoleLine[] = [];
  for (;;) {
    const { status, body } = await daemon.http(`/api/runs/${runId}/console?from=${lines.length}&limit=1000`);
    assert.equal(status, 200, `console of ${runId}: ${JSON.stringify(body)}`);
    const page = body.lines as { lineNo: number; stream: 'stdout' | 'stderr'; text: string }[];
    for (const { lineNo, stream, text } of page) {
      assert.equal(lineNo, lines.length, `console lines of ${runId} are numbered without gaps`);
      lines.push({ stream, text });
    }
    if (page.length < 1000) return lines;
  }
}

/**
 * Asserts the stored run: its state and exit code, no dropped rows, and exactly `rows` history rows
 * at steps 0..rows-1, each once; returns them.
 */
export async function assertStoredRun(
  daemon: TempDaemon,
  runId: string,
  expected: { state: string; exitCode: number; rows: number },
): Promise<StoredRow[]> {
  const { status, body: run } = await daemon.http(`/api/runs/${runId}`);
  assert.equal(status, 200, `run ${runId} was not stored`);
  assert.deepEqual(
    { state: run.state, exitCode: run.exitCode, historyRows: run.historyRows, droppedRows: run.droppedRows },
    { state: expected.state, exitCode: expected.exitCode, historyRows: expected.rows, droppedRows: 0 },
    `run ${runId}`,
  );
  const history = await storedHistory(daemon, runId);
  assert.equal(history.length, expected.rows, `rows of ${runId} read back`);
  for (const [i, { step, row }] of history.entries()) {
    if (step !== i || row._step !== i) {
      assert.fail(`${runId}: row ${i} has step ${step} (_step ${String(row._step)}): steps must be 0..${expected.rows - 1}, each once`);
    }
  }
  return history;
}

/** Pids of daemon processes (the entry script's marker) serving `home`, read from /proc. */
export function daemonProcesses(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--wandb-daemon')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`WANDB_DAEMON_HOME=${home}`)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}
