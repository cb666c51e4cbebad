/**
 * Finishing runs when the script ends, however it ends (W&B finishes its run at exit too):
 * - the event loop empties (the script returned): finish with `process.exitCode` (default 0), async;
 * - `process.exit()` or an uncaught exception: the `exit` event, where nothing async runs any more,
 *   so the queued records and the finish are written and confirmed synchronously;
 * - SIGINT / SIGTERM with no handler of the user's: finish with W&B's codes (255 for Ctrl-C, as W&B
 *   does; 143 for SIGTERM), then die of the same signal so the parent sees it.
 * A user who handles a signal keeps control: we then wait for the exit that follows.
 */
import { DaemonBackend, type Run } from './run.js';
import { deliverSync, type CourierRun } from './transport/courier.js';
import type { LinkRun } from './transport/link.js';

/** How long an exiting process waits for the daemon to confirm its runs. */
const EXIT_FINISH_TIMEOUT_MS = 30_000;
const SIGNAL_EXIT_CODES = { SIGINT: 255, SIGTERM: 143 } as const;

let installed = false;
const afterRuns: (() => void)[] = [];

/** Registers clean-up for the `exit` event that must run after live runs were finished. */
export function onExitAfterRuns(callback: () => void): void {
  afterRuns.push(callback);
}

export function installExitHooks(liveRuns: () => readonly Run[]): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', () => {
    const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
    for (const run of liveRuns()) if (run.state === 'running') void run.finish(exitCode).catch(() => {});
  });
  process.on('exit', (code) => {
    finishSync(liveRuns(), code);
    for (const callback of afterRuns) callback();
  });
  for (const [signal, exitCode] of Object.entries(SIGNAL_EXIT_CODES)) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return; // the user handles this signal
      finishSync(liveRuns(), exitCode);
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Finishes every live run without the event loop; used when the process is about to end. */
export function finishSync(runs: readonly Run[], exitCode: number): void {
  const byLink = new Map<DaemonBackend['link'], { run: Run; item: { run: LinkRun; seq: number; exitCode: number } | null }[]>();
  for (const run of runs) {
    const backend = run.backend;
    if (!(backend instanceof DaemonBackend)) continue;
    const item = run.beginSyncFinish() ? backend.finishItem(exitCode) : null; // null: its finish is already in flight
    const group = byLink.get(backend.link) ?? [];
    group.push({ run, item });
    byLink.set(backend.link, group);
  }
  const deadline = Date.now() + EXIT_FINISH_TIMEOUT_MS;
  for (const [link, group] of byLink) {
    const confirmed = link.finishSync(
      group.flatMap(({ item }) => (item ? [item] : [])),
      deadline,
    );
    const unconfirmed: { run: Run; courier: CourierRun }[] = [];
    for (const { run, item } of group) {
      const backend = run.backend as DaemonBackend;
      if (confirmed.has(backend.linkRun) || backend.linkRun.finished) {
        run.markFinished(item?.exitCode ?? exitCode, null);
        continue;
      }
      const finish = item ?? link.pendingFinish(backend.linkRun) ?? backend.finishItem(exitCode);
      const records = link.undelivered(backend.linkRun);
      unconfirmed.push({ run, courier: { info: backend.linkRun.info, remote: backend.linkRun.remote, records, finish: { seq: finish.seq, exitCode: finish.exitCode } } });
    }
    if (unconfirmed.length > 0) deliverThroughCourier(unconfirmed, deadline);
  }
}

/** The daemon is gone and this process is exiting: a child process delivers what it never acknowledged. */
function deliverThroughCourier(unconfirmed: { run: Run; courier: CourierRun }[], deadline: number): void {
  const { confirmed, error } = deliverSync(unconfirmed.map((u) => u.courier), Math.max(5_000, deadline - Date.now()));
  for (const { run, courier } of unconfirmed) {
    if (confirmed.includes(run.id)) run.markFinished(courier.finish.exitCode, null);
    else process.stderr.write(`wandb: ERROR run ${run.id}: ${courier.records.length} records and the finish could not be handed to a daemon before exit${error ? `: ${error}` : ''}\n`);
  }
}
