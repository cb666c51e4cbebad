/**
 * `wandb-daemon export <run> [--format jsonl|csv] [--output FILE]`: a run's history rows in step order.
 *
 * Streams through paginated GETs of /api/runs/:run/history, writing each page before fetching the
 * next, so memory stays bounded by one page whatever the size of the run. CSV needs the union of all
 * keys for its header, so it reads the history twice: once for the keys, once for the rows (the second
 * pass stops at the last step the first one saw, so a live run cannot add rows without header keys).
 *
 * JSONL writes the stored W&B JSON lines byte for byte (`format=lines`), bare NaN tokens included.
 */
import { rmSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { RunView } from '../../http/queries.js';
import type { Action } from '../action.js';
import { csvField, csvHeader, csvRecord, forEachLeaf } from '../csv.js';
import { DaemonApi, HttpStatusError } from '../daemon-api.js';
import { CliError, EXIT } from '../errors.js';
import { fileSink, stdoutSink, type Sink } from '../output.js';

type Row = Record<string, unknown>;

/** Page size bounds; within them a page aims at PAGE_TARGET_BYTES of JSON. */
export const MAX_PAGE_ROWS = 5_000;
const MIN_PAGE_ROWS = 50;
const PAGE_TARGET_BYTES = 8 * 1024 * 1024;
const PAGE_TIMEOUT_MS = 120_000;
/** Lines written per chunk. */
const WRITE_BATCH = 500;

export function registerExport(program: Command, action: Action): void {
  program
    .command('export')
    .description("write a run's history rows in step order (exit code 2 for an unknown run)")
    .argument('<run>', 'run id or pk (see: wandb-daemon runs)')
    .addOption(new Option('-f, --format <format>', 'jsonl: one W&B JSON line per row; csv: flattened columns').choices(['jsonl', 'csv']).default('jsonl'))
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .action(action(exportRun));
}

async function exportRun(runKey: string, options: { format: 'jsonl' | 'csv'; output?: string }): Promise<number> {
  const api = DaemonApi.connect();
  let run: RunView;
  try {
    run = await api.getJson<RunView>(`/api/runs/${encodeURIComponent(runKey)}`);
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404) throw new CliError(`no run ${JSON.stringify(runKey)} (see: wandb-daemon runs)`, EXIT.USAGE);
    throw error;
  }
  // From here on the run is addressed by its pk: an id may be shared by runs of several projects.
  const sink = options.output ? fileSink(options.output) : stdoutSink();
  try {
    if (options.format === 'csv') await writeCsv(api, run.pk, sink);
    else await writeJsonl(api, run.pk, sink);
    await sink.close();
  } catch (error) {
    if (options.output) rmSync(options.output, { force: true }); // no truncated export left behind
    if (error instanceof CliError) throw error;
    throw new CliError(`export of run ${runKey} failed: ${(error as Error).message}`);
  }
  return EXIT.OK;
}

async function writeJsonl(api: DaemonApi, pk: number, sink: Sink): Promise<void> {
  for await (const page of historyPages<{ step: number; line: string }>(api, pk, undefined, 'lines')) {
    for (let i = 0; i < page.length; i += WRITE_BATCH) {
      let chunk = '';
      for (const { line } of page.slice(i, i + WRITE_BATCH)) chunk += `${line}\n`;
      await sink.write(chunk);
    }
  }
}

async function writeCsv(api: DaemonApi, pk: number, sink: Sink): Promise<void> {
  const keys = new Set<string>();
  let lastStep = -1;
  for await (const page of historyPages(api, pk)) {
    for (const row of page) forEachLeaf(row, (key) => keys.add(key));
    lastStep = stepOf(page[page.length - 1]!);
  }
  const header = csvHeader(keys);
  await sink.write(`${header.map(csvField).join(',')}\r\n`);
  if (lastStep < 0) return;
  for await (const page of historyPages(api, pk, lastStep)) {
    for (let i = 0; i < page.length; i += WRITE_BATCH) {
      let chunk = '';
      for (const row of page.slice(i, i + WRITE_BATCH)) chunk += csvRecord(header, row);
      await sink.write(chunk);
    }
  }
}

/**
 * The run's history, page by page, in step order, up to `maxStep` when given: parsed rows, or with
 * `format = 'lines'` the stored lines with their steps.
 */
export async function* historyPages<T = Row>(api: DaemonApi, pk: number, maxStep?: number, format: 'rows' | 'lines' = 'rows'): AsyncGenerator<T[]> {
  let minStep: number | null = null;
  let limit = MAX_PAGE_ROWS;
  for (;;) {
    const params = new URLSearchParams({ limit: String(limit), format });
    if (minStep !== null) params.set('minStep', String(minStep));
    if (maxStep !== undefined) params.set('maxStep', String(maxStep));
    const text = await api.getText(`/api/runs/${pk}/history?${params.toString()}`, PAGE_TIMEOUT_MS);
    const body = JSON.parse(text) as { rows?: T[]; lines?: T[]; next?: number | null };
    const rows = format === 'lines' ? body.lines : body.rows;
    if (!Array.isArray(rows)) throw new CliError(`the daemon answered a history request without ${format}`);
    if (rows.length > 0) yield rows;
    // The daemon says where the next page starts; null means this was the last one.
    if (body.next === null || body.next === undefined) return;
    const last = stepOf({ _step: body.next - 1 });
    if (maxStep !== undefined && last >= maxStep) return;
    minStep = body.next;
    // Wide rows make big pages: aim at a bounded page size in bytes.
    limit = Math.max(MIN_PAGE_ROWS, Math.min(MAX_PAGE_ROWS, Math.floor(PAGE_TARGET_BYTES / Math.max(1, text.length / rows.length))));
  }
}

function stepOf(row: Row): number {
  const step = row._step;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) throw new CliError('the daemon returned a history row without an integer _step');
  return step;
}
