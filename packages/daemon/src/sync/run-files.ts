/**
 * The files a run uploads: those the daemon produces (`wandb-metadata.json` at start; `config.yaml`,
 * `wandb-summary.json`, `output.log` at the end) and the run's `files` table entries: local paths on
 * disk, streamed from disk when PUT (never read whole into memory, never read synchronously), and media
 * whose bytes are a blob in the database (at most 12 MiB: read in one statement when the PUT starts,
 * then sent in chunks). Each is an item with a version (content sha256, or the recorded
 * sha256/updated_at) so that an unchanged file is not uploaded twice.
 */
import { open } from 'node:fs/promises';
import { release, type as osType } from 'node:os';
import { isPlainObject, parseWandbJson, type JsonObject } from '@wandb-daemon/protocol';
import { sha256 } from '../sha256.js';
import { parseObject } from '../store/run-store.js';
import type { PendingFile, SyncRow, SyncStore } from './sync-store.js';
import { SyncError, type UploadBody } from './wandb-http.js';
import { configYaml, wrapConfig, outputLine, telemetry, type StoredDefinition } from './wire-format.js';

/** An upload body opened for one PUT; `close()` releases it whether or not it was read. */
export interface OpenedUpload extends UploadBody {
  close(): Promise<void>;
}

/** A file to upload. */
export interface UploadItem {
  path: string;
  version: string;
  /**
   * Opens the bytes to PUT: null when the local file no longer exists (ENOENT, the only error that
   * means "missing"). Any other failure throws a SyncError: `retry` for one that may pass (permissions,
   * I/O), `fatal` for a path that can never be uploaded (not a regular file).
   */
  open(): Promise<OpenedUpload | null>;
}

/** Bytes in memory go out in chunks of this size, so that the PUT's inactivity timeout sees progress. */
const CHUNK_BYTES = 256 * 1024;

/** Bytes in memory as an upload body, sent CHUNK_BYTES at a time. */
function inMemory(bytes: Buffer): OpenedUpload {
  async function* chunks(): AsyncIterable<Uint8Array> {
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield bytes.subarray(at, at + CHUNK_BYTES);
  }
  return { size: bytes.length, chunks: chunks(), close: () => Promise.resolve() };
}

/** A file whose bytes the daemon builds. */
function generated(path: string, text: string): UploadItem {
  const bytes = Buffer.from(text, 'utf8');
  return { path, version: sha256(bytes), open: () => Promise.resolve(inMemory(bytes)) };
}

/**
 * A `files` table entry: streamed from its local path, or sent from its blob (media), when uploaded.
 * The blob is read only when the PUT starts, so planning an upload round reads no bytes.
 */
export function fromFilesTable(file: PendingFile, store: SyncStore): UploadItem {
  const { blob_id: blob, local_path: local } = file;
  // A blob-backed row always has its sha256, so the version names the bytes to send.
  if (blob !== null) return { path: file.path, version: file.version, open: () => openBlob(store, file.version, file.path) };
  return { path: file.path, version: file.version, open: () => openLocal(local ?? '') };
}

/** Reads a media blob by its sha256 (null once it is gone: its file was replaced meanwhile). */
function openBlob(store: SyncStore, sha256: string, path: string): Promise<OpenedUpload | null> {
  let bytes: Buffer | undefined;
  try {
    bytes = store.blob(sha256);
  } catch (error) {
    return Promise.reject(new SyncError('retry', `cannot read the stored bytes of ${path}: ${(error as Error).message}`));
  }
  return Promise.resolve(bytes === undefined ? null : inMemory(bytes));
}

/** Opens a local file for streaming; the size comes from the open handle (the PUT's content-length). */
async function openLocal(localPath: string): Promise<OpenedUpload | null> {
  let handle;
  try {
    handle = await open(localPath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SyncError('retry', `cannot read ${localPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new SyncError('fatal', `cannot upload ${localPath}: not a regular file`);
    const opened = handle;
    return { size: stat.size, chunks: opened.createReadStream({ autoClose: true }), close: () => opened.close().catch(() => undefined) };
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof SyncError) throw error;
    throw new SyncError('retry', `cannot read ${localPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The run's wrapped config (as UpsertBucket sends it) from its stored config, definitions and charts. */
export function wrappedConfigOf(row: SyncRow, store: SyncStore): Record<string, unknown> {
  return wrapConfig(parseObject(row.config), store.definitions(row.pk) as StoredDefinition[], telemetry(), store.charts(row.pk));
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

/**
 * The files produced at the end of a run (metadata again, in case the start upload never happened);
 * `wrappedConfig` is the turn's `wrappedConfigOf(row, store)`.
 */
export function endOfRunFiles(row: SyncRow, store: SyncStore, wrappedConfig: Record<string, unknown>): UploadItem[] {
  const summary = parseWandbJson(row.summary);
  return [
    generated('config.yaml', configYaml(wrappedConfig)),
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
