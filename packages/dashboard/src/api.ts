/**
 * The server's JSON read API, typed. Every request carries HTTP Basic auth (user `api`, the key as
 * password) and `X-Requested-With`, which tells the server not to answer 401 with a
 * `WWW-Authenticate` challenge (that would open the browser's own password dialog).
 * Non-finite numbers arrive as the strings "NaN", "Infinity", "-Infinity".
 */
import { storedKey } from './session.js';

/** An entity/project/run address. */
export interface RunPath {
  entity: string;
  project: string;
  run: string;
}

export type RunState = 'running' | 'finished' | 'failed' | 'crashed' | 'preempting';

export interface Viewer {
  username: string;
  email: string | null;
  entity: string;
  entities: string[];
}

export interface ProjectInfo {
  entity: string;
  name: string;
  runCount: number;
  createdAt: string;
  lastActivity: string;
}

/** A run as listed in a project's runs table. */
export interface RunListItem {
  id: string;
  entity: string;
  project: string;
  /** The run id (what URLs use). */
  name: string;
  displayName: string | null;
  state: RunState;
  createdAt: string;
  heartbeatAt: string;
  /** Seconds. */
  runtime: number;
  tags: string[];
  group: string | null;
  jobType: string | null;
  /** Plain (unwrapped) config values. */
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

/** A metric definition from `defineMetric` (decoded from the config's `_wandb.m`). */
export interface MetricInfo {
  /** The metric name, or null for a glob entry. */
  name: string | null;
  /** A glob such as `train/*`, or null. */
  glob: string | null;
  stepMetric: string | null;
  hidden: boolean;
  goal: 'minimize' | 'maximize' | null;
  summary: string[];
}

export interface FileInfo {
  path: string;
  size: number | null;
  sha256: string | null;
  uploaded: boolean;
  updatedAt: string;
}

/** One run in full, as the run page shows it. */
export interface RunDetail extends RunListItem {
  description: string | null;
  notes: string | null;
  host: string | null;
  program: string | null;
  repo: string | null;
  commit: string | null;
  sweep: string | null;
  exitcode: number | null;
  stopRequested: boolean;
  updatedAt: string;
  configWrapped: Record<string, unknown>;
  historyLineCount: number;
  eventsLineCount: number;
  logLineCount: number;
  files: FileInfo[];
  historyKeys: string[];
  metrics: MetricInfo[];
  /**
   * What each history key holds: 'number', a W&B `_type` ('image-file', 'histogram', ...) or
   * 'json' (anything else). Absent from a server without media support.
   */
  historyKeyTypes?: Record<string, string>;
  /** Custom charts (`wandb.plot.*`, `wandb.plot_table`) of the run. Absent from an older server. */
  charts?: CustomChartSpec[];
}

/** A custom chart: a Vega panel definition drawn from the table logged under `tableKey`. */
export interface CustomChartSpec {
  /** The key the chart was logged under. */
  key: string;
  /** The panel definition (`wandb/line/v0`, `wandb/confusion_matrix/v1`...). */
  panelDefId: string;
  /** The summary (or history) key holding the chart's table-file. */
  tableKey: string;
  /** Panel field → table column. */
  fields: Record<string, string>;
  /** Panel string setting → value (title, axis labels). */
  stringFields: Record<string, string>;
}

/** One history value of a key at a step (typed values as logged, non-finite numbers as tokens). */
export interface StepValue {
  step: number;
  value: unknown;
}

/** The values of one history key over a step window. */
export interface HistoryValuesReply {
  key: string;
  /** In step order; at most the limit asked, evenly spread over the window when it holds more. */
  values: StepValue[];
  /** Values the window holds. */
  total: number;
}

/** Which values of a key to fetch. */
export interface HistoryValuesQuery {
  key: string;
  minStep?: number;
  maxStep?: number;
  limit?: number;
}

/** M4 or raw points of one history key against an x axis, for the window asked. */
export interface SeriesReply {
  key: string;
  /** The x axis: `_step`, `_runtime`, `_timestamp` or another history key. */
  x: string;
  /** Raw points in the window (points with both an x and a numeric y). */
  rawCount: number;
  /** True when the points are M4 buckets, false when they are every raw point of the window. */
  aggregated: boolean;
  /** Width of one bucket on the x axis (null when not aggregated). */
  bucketWidth: number | null;
  /** [x, y] pairs in x order; y may be NaN / ±Infinity. */
  points: [number, number][];
  /**
   * With `smoothing` > 0 asked: TensorBoard's debiased EMA over every raw point from the run's
   * start, reduced with the same buckets (or raw rule) as `points`. Absent from a server without
   * smoothing.
   */
  smoothed?: [number, number][] | null;
}

export interface OutputLine {
  lineNo: number;
  stream: 'stdout' | 'stderr';
  timestamp: string | null;
  text: string;
}

/** An events line (system metrics): `_runtime`, `_timestamp`, `system.*` values. */
export type EventsLine = { lineNo: number } & Record<string, unknown>;

/** The server said no: 401 (key refused), 404 (no such thing), 400 (bad request), ... */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns the strict-JSON tokens back into numbers. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return null;
}

function authHeaders(key: string | null = storedKey()): Record<string, string> {
  const headers: Record<string, string> = { 'x-requested-with': 'wandb-dashboard' };
  if (key) headers.authorization = `Basic ${btoa(`api:${key}`)}`;
  return headers;
}

const enc = encodeURIComponent;
const runUrl = (p: RunPath) => `/api/v1/runs/${enc(p.entity)}/${enc(p.project)}/${enc(p.run)}`;

/** How a GET is sent: the key (default: the tab's), the abort signal, and whether a refusal carries the server's message. */
interface GetOptions {
  key?: string;
  signal?: AbortSignal;
  /** Read the refusal's `{"errors": [{"message"}]}` (else, and when it is not JSON, the status line). */
  serverMessage?: boolean;
}

/** A GET with the API headers, never cached; a refusal (not 2xx) becomes an ApiError. */
async function get(url: string, { key, signal, serverMessage = false }: GetOptions = {}): Promise<Response> {
  const response = await fetch(url, { headers: authHeaders(key), cache: 'no-store', ...(signal ? { signal } : {}) });
  if (response.ok) return response;
  let message = `${response.status} ${response.statusText}`;
  if (serverMessage) {
    try {
      const body = (await response.json()) as { errors?: { message?: string }[] };
      message = body.errors?.[0]?.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
  }
  throw new ApiError(response.status, message);
}

const getJson = async <T>(url: string, key?: string, signal?: AbortSignal): Promise<T> => (await (await get(url, { key, signal, serverMessage: true })).json()) as T;

/** Who the key belongs to; throws ApiError(401) for a refused key. */
export const fetchViewer = (key?: string) => getJson<Viewer>('/api/v1/viewer', key);

export const fetchProjects = async () => (await getJson<{ projects: ProjectInfo[] }>('/api/v1/projects')).projects;

export const fetchRuns = async (entity: string, project: string) => (await getJson<{ runs: RunListItem[] }>(`/api/v1/runs/${enc(entity)}/${enc(project)}`)).runs;

export const fetchRun = (path: RunPath) => getJson<RunDetail>(runUrl(path));

export interface SeriesQuery {
  key: string;
  /** Default `_step`. */
  x?: string;
  /** M4 buckets wanted over the window (the server may widen them to a power of two: up to half as many). */
  buckets: number;
  /** The x window in view (inclusive); absent for the whole run. */
  min?: number;
  max?: number;
  /** Send every raw point when the window holds at most this many (default 1000). */
  rawLimit?: number;
  /** EMA weight, 0 <= w < 1: above 0 the reply carries `smoothed` (sent only when above 0). */
  smoothing?: number;
}

/** One key against an x axis, M4-downsampled on the server for the window. */
export async function fetchSeries(path: RunPath, q: SeriesQuery, signal?: AbortSignal): Promise<SeriesReply> {
  const params = new URLSearchParams({ key: q.key, x: q.x ?? '_step', buckets: String(q.buckets) });
  if (q.min !== undefined) params.set('min', String(q.min));
  if (q.max !== undefined) params.set('max', String(q.max));
  if (q.rawLimit !== undefined) params.set('raw', String(q.rawLimit));
  if (q.smoothing !== undefined && q.smoothing > 0) params.set('smoothing', String(q.smoothing));
  return seriesReplyOf(await (await get(`${runUrl(path)}/history/m4?${params}`, { signal })).json());
}

type WirePoints = [number, unknown][];

/** A series reply as sent (non-finite y as the strict-JSON tokens) turned into numbers. */
export function seriesReplyOf(wire: unknown): SeriesReply {
  const reply = wire as Omit<SeriesReply, 'points' | 'smoothed'> & { points: WirePoints; smoothed?: WirePoints | null };
  const numbers = (points: WirePoints): [number, number][] => points.map(([x, y]) => [x, toNumber(y) ?? Number.NaN]);
  const { smoothed, ...rest } = reply;
  return { ...rest, points: numbers(reply.points), ...(smoothed === undefined ? {} : { smoothed: smoothed === null ? null : numbers(smoothed) }) };
}

export const fetchOutput = async (path: RunPath, from = 0, limit = 10_000) => (await getJson<{ lines: OutputLine[] }>(`${runUrl(path)}/output?from=${from}&limit=${limit}`)).lines;

export const fetchEvents = async (path: RunPath, from = 0, limit = 10_000) => (await getJson<{ events: EventsLine[] }>(`${runUrl(path)}/events?from=${from}&limit=${limit}`)).events;

/** The API address of a run file's bytes: each path segment encoded, the `/` between them kept. */
export const runFileUrl = (path: RunPath, file: string) => `${runUrl(path)}/files/${checkedFilePath(file).split('/').map(enc).join('/')}`;

/**
 * A run file path as logged values name it, refused when it could leave the run's files: the browser
 * resolves `..` (even encoded) before sending, so `media/../../r2/files/x` would fetch another run's
 * file with the viewer's key and show it as this run's.
 */
export function checkedFilePath(file: string): string {
  const bad = file.startsWith('/') || file.includes('\\') || file.split('/').some((part) => part === '' || part === '.' || part === '..' || /^(%2e|\.)+$/i.test(part));
  if (bad) throw new Error(`refused file path ${JSON.stringify(file)}: not a path inside the run`);
  return file;
}

/** A file's bytes (the download link cannot carry the auth header, so the page fetches it). */
export async function fetchFile(path: RunPath, file: string, signal?: AbortSignal): Promise<Blob> {
  return (await get(runFileUrl(path, file), { signal })).blob();
}

/** The API address of a key's values over a step window (only the bounds given are sent). */
export function historyValuesUrl(path: RunPath, q: HistoryValuesQuery): string {
  const params = new URLSearchParams({ key: q.key });
  if (q.minStep !== undefined) params.set('minStep', String(q.minStep));
  if (q.maxStep !== undefined) params.set('maxStep', String(q.maxStep));
  if (q.limit !== undefined) params.set('limit', String(q.limit));
  return `${runUrl(path)}/history/values?${params}`;
}

/** The values of one history key (images, histograms, tables... as logged) over a step window. */
export const fetchHistoryValues = (path: RunPath, q: HistoryValuesQuery, signal?: AbortSignal) => getJson<HistoryValuesReply>(historyValuesUrl(path, q), undefined, signal);

/** The API address that signs a short-lived URL of a run file. */
export const signedFileUrlEndpoint = (path: RunPath, file: string) => `${runUrl(path)}/file-url?${new URLSearchParams({ path: file })}`;

/**
 * A short-lived signed URL of a run file, usable without the key (an iframe cannot send headers).
 * The server serves it sandboxed (`content-security-policy: sandbox allow-scripts`).
 */
export const fetchSignedFileUrl = async (path: RunPath, file: string, signal?: AbortSignal) => (await getJson<{ url: string }>(signedFileUrlEndpoint(path, file), undefined, signal)).url;
