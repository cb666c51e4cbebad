/**
 * The files a run uploads: those the daemon produces (`wandb-metadata.json` at start; `config.yaml`,
 * `wandb-summary.json`, `output.log` at the end) and the run's `files` table entries (local paths on
 * disk). Each is an item with a version (content sha256, or the recorded sha256/updated_at) so that
 * an unchanged file is not uploaded twice.
 */
import { readFileSync } from 'node:fs';
import { release, type as osType } from 'node:os';
import { isPlainObject, parseWandbJson, type JsonObject } from '@wandb-daemon/protocol';
import { parseObject } from '../store/run-store.js';
import { sha256 } from './file-stream-batch.js';
import type { PendingFile, SyncRow, SyncStore } from './sync-store.js';
import { configYaml, wrapConfig, outputLine, type StoredDefinition } from './wire-format.js';

/** A file to upload; `read()` returns null when a local file has disappeared. */
export interface UploadItem {
  path: string;
  version: string;
  read(): Uint8Array | null;
}

/** A file whose bytes the daemon builds. */
function generated(path: string, text: string): UploadItem {
  const bytes = Buffer.from(text, 'utf8');
  return { path, version: sha256(bytes), read: () => bytes };
}

/** A `files` table entry, read from its local path when uploaded. */
export function fromFilesTable(file: PendingFile): UploadItem {
  return {
    path: file.path,
    version: file.version,
    read: () => {
      try {
        return readFileSync(file.local_path);
      } catch {
        return null;
      }
    },
  };
}

/** The run's wrapped config (as UpsertBucket sends it) from its stored config and definitions. */
export function wrappedConfigOf(row: SyncRow, store: SyncStore): Record<string, unknown> {
  return wrapConfig(parseObject(row.config), store.definitions(row.pk) as StoredDefinition[]);
}

/** `wandb-metadata.json`: where and how the run was started. */
export function metadataFile(row: SyncRow): UploadItem {
  const settings = parseObject(row.settings);
  const metadata: JsonObject = {
    host: row.host,
    program: row.program,
    os: `${osType()}-${release()}`,
    platform: process.platform,
    node: typeof settings.nodeVersion === 'string' ? settings.nodeVersion : process.version,
    startedAt: new Date(row.start_time * 1000).toISOString(),
    pid: row.pid,
  };
  if (Array.isArray(settings.args)) metadata.args = settings.args;
  return generated('wandb-metadata.json', `${JSON.stringify(metadata, null, 2)}\n`);
}

/** The files produced at the end of a run (metadata again, in case the start upload never happened). */
export function endOfRunFiles(row: SyncRow, store: SyncStore): UploadItem[] {
  const summary = parseWandbJson(row.summary);
  return [
    generated('config.yaml', configYaml(wrappedConfigOf(row, store))),
    generated('wandb-summary.json', isPlainObject(summary) ? row.summary : '{}'),
    generated('output.log', outputLog(row.pk, store)),
    metadataFile(row),
  ];
}

/** Every console line of the run in `output.log` format. */
function outputLog(pk: number, store: SyncStore): string {
  const lines: string[] = [];
  for (const line of store.consoleLines(pk)) lines.push(outputLine(line.stream, line.ts, line.text));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Items whose version differs from what was last uploaded. */
export function notYetUploaded(pk: number, items: UploadItem[], store: SyncStore): UploadItem[] {
  return items.filter((item) => store.uploadedVersion(pk, item.path) !== item.version);
}
