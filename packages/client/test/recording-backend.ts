/**
 * A run whose backend records what it would send, in order, instead of talking to a daemon: for
 * tests of what `log`, `summary` and `config` hand over (records the daemon may not accept yet, such
 * as `media` and `chart`, included).
 */
import type { FinishReply, RunInfo } from '@wandb-daemon/protocol/lite';
import { Run, type RunBackend } from '../src/run.js';
import type { PlainObject } from '../src/values.js';

/** A sent record: `t` and its fields (history rows as `{t: 'history', step, data}`). */
export type SentRecord = PlainObject & { t: string };

/** Records every record and row a run hands over. */
export class RecordingBackend implements RunBackend {
  readonly sent: SentRecord[] = [];

  record(body: SentRecord): void {
    this.sent.push(body);
  }

  history(step: number, _ts: number, _runtime: number, data: PlainObject): void {
    this.sent.push({ t: 'history', step, data });
  }

  async finish(): Promise<FinishReply | null> {
    return null;
  }

  /** The kinds of the records sent, in order (`['media', 'history']`). */
  get kinds(): string[] {
    return this.sent.map((record) => record.t);
  }
}

/** A running Run on a RecordingBackend, with the warnings it printed. */
export function recordingRun(options: { startingStep?: number; strictSteps?: boolean } = {}): { run: Run; backend: RecordingBackend; warnings: string[] } {
  const backend = new RecordingBackend();
  const warnings: string[] = [];
  const info: RunInfo = {
    runId: 'rec1',
    entity: null,
    project: 'media-tests',
    name: null,
    group: null,
    jobType: null,
    tags: [],
    notes: null,
    config: {},
    host: null,
    program: null,
    pid: process.pid,
    mode: 'offline',
    settings: {},
    startTime: 1_700_000_000,
  };
  const run = new Run({
    info,
    backend,
    dir: '.',
    mode: 'offline',
    startingStep: options.startingStep ?? 0,
    resumed: false,
    summary: {},
    allowValChange: false,
    strictSteps: options.strictSteps ?? false,
    baseUrl: null,
    warn: (message) => void warnings.push(message),
    onFinished: () => {},
  });
  return { run, backend, warnings };
}
