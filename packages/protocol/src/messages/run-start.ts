import * as v from 'valibot';
import { Name, RequestId, RunKey, UnixSeconds, UserObject } from './common.js';

/** Run modes as W&B names them; `disabled` runs never reach the daemon. */
export const RunMode = v.picklist(['online', 'offline']);
export type RunMode = v.InferOutput<typeof RunMode>;

/**
 * How `run.start` treats an existing run with the same id:
 * - `never`: fail with RUN_EXISTS; `must`: fail with RUN_NOT_FOUND when absent, else resume;
 * - `allow`: resume when present, else create; `overwrite`: W&B's default, replace the earlier run;
 * - `reattach`: a client reconnecting after losing the daemon continues its own run.
 */
export const ResumePolicy = v.picklist(['never', 'must', 'allow', 'overwrite', 'reattach']);
export type ResumePolicy = v.InferOutput<typeof ResumePolicy>;

/** Metadata of a run as the client knows it at init. */
export const RunInfo = v.object({
  runId: v.pipe(Name(128), v.regex(/^[A-Za-z0-9_.-]+$/, 'run ids may contain letters, digits, _, - and .')),
  entity: v.nullable(Name(128)),
  project: Name(128),
  name: v.nullable(v.string()),
  group: v.nullable(v.string()),
  jobType: v.nullable(v.string()),
  tags: v.array(v.string()),
  notes: v.nullable(v.string()),
  config: UserObject,
  host: v.nullable(v.string()),
  program: v.nullable(v.string()),
  pid: v.pipe(v.number(), v.safeInteger()),
  mode: RunMode,
  settings: UserObject,
  startTime: UnixSeconds,
});
export type RunInfo = v.InferOutput<typeof RunInfo>;

/**
 * Where an online run syncs to: a W&B-compatible server and the API key to present there. The daemon
 * keeps the key in its private database and never logs it.
 */
export const Remote = v.object({
  baseUrl: v.pipe(v.string(), v.url('remote.baseUrl must be an absolute URL'), v.regex(/^https?:/i, 'remote.baseUrl must be http(s)')),
  apiKey: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
});
export type Remote = v.InferOutput<typeof Remote>;

/** Request: start, resume or reattach a run. */
export const RunStart = v.object({
  t: v.literal('run.start'),
  id: RequestId,
  run: RunInfo,
  resume: ResumePolicy,
  /**
   * The server an online run syncs to. Absent: keep what the daemon stored for this run (a reattach),
   * or none for a new run; null: none. A run without a remote stays local until `wandb-daemon sync`.
   */
  remote: v.optional(v.nullable(Remote)),
});
export type RunStart = v.InferOutput<typeof RunStart>;

/** Reply to `run.start`. */
export const RunStartReply = v.object({
  /** Handle to put in every record of this run. */
  run: RunKey,
  runId: v.string(),
  /** The display name: as given, as stored for a resumed run, or generated for a new run without one. */
  name: v.string(),
  /** The step the next committed history row gets (0 for a new run, last step + 1 when resumed). */
  startingStep: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  resumed: v.boolean(),
  /** Highest record seq already stored; the client numbers its records after it. */
  lastSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  /** Start time as first stored, kept across resumes so that `_runtime` keeps growing. */
  startTime: UnixSeconds,
  config: UserObject,
  summary: UserObject,
});
export type RunStartReply = v.InferOutput<typeof RunStartReply>;
