import * as v from 'valibot';
import { Ack } from './ack.js';
import { Alert } from './alert.js';
import { Batch } from './batch.js';
import { ConfigUpdate } from './config.js';
import { ConsoleOutput } from './console.js';
import { DroppedRows } from './dropped.js';
import { FileRef } from './file-ref.js';
import { Finish, FinishReply } from './finish.js';
import { Welcome } from './handshake.js';
import { HistoryRow } from './history.js';
import { CustomChart, MediaFile } from './media.js';
import { MetricDefinition } from './metric-definition.js';
import { Notice, Reply } from './reply.js';
import { RunStart, RunStartReply } from './run-start.js';
import { StatusQuery, StatusReply } from './status.js';
import { SummaryUpdate } from './summary.js';
import { SyncReply, SyncRequest } from './sync.js';
import { SystemSample } from './system-metrics.js';

export * from './ack.js';
export * from './alert.js';
export * from './batch.js';
export * from './common.js';
export * from './config.js';
export * from './console.js';
export * from './dropped.js';
export * from './file-ref.js';
export * from './finish.js';
export * from './handshake.js';
export * from './history.js';
export * from './media.js';
export * from './metric-definition.js';
export * from './reply.js';
export * from './run-start.js';
export * from './status.js';
export * from './summary.js';
export * from './sync.js';
export * from './system-metrics.js';

/** Records: fire-and-forget, ordered per run by `seq`, acknowledged in batches. */
export const RecordMessage = v.variant('t', [
  HistoryRow,
  SummaryUpdate,
  ConfigUpdate,
  ConsoleOutput,
  SystemSample,
  MetricDefinition,
  FileRef,
  Alert,
  DroppedRows,
  MediaFile,
  CustomChart,
]);
export type RecordMessage = v.InferOutput<typeof RecordMessage>;

/** Everything a client may send after the handshake. */
export const ClientMessage = v.variant('t', [RunStart, Finish, StatusQuery, SyncRequest, Batch, ...RecordMessage.options]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

/** Everything a daemon may send. */
export const DaemonMessage = v.variant('t', [Welcome, Reply, Ack, Notice]);
export type DaemonMessage = v.InferOutput<typeof DaemonMessage>;

/** The record tags, for dispatch tables. */
export type RecordType = RecordMessage['t'];

/** Requests and the type of their successful reply. */
export interface RequestReplies {
  'run.start': RunStartReply;
  finish: FinishReply;
  status: StatusReply;
  sync: SyncReply;
}
export type RequestType = keyof RequestReplies;
export type RequestMessage = Extract<ClientMessage, { t: RequestType }>;

/** Validators of the replies, so a client can check what it receives. */
export const REPLY_SCHEMAS = { 'run.start': RunStartReply, finish: FinishReply, status: StatusReply, sync: SyncReply } as const;

