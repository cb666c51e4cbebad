/**
 * A fake W&B server for sync tests: fastify on 127.0.0.1, the subset of the wire protocol the daemon
 * speaks (UpsertBucket, RunResumeStatus, CreateRunFiles, file_stream, upload PUTs). It records every
 * request, stores file_stream lines with W&B's offset-upsert semantics (so tests count rows exactly),
 * and can be scripted to fail: N × status, 429 with Retry-After, 401, hang, stop requested, an answer
 * held until a test releases it, or any answer replaced. `close()` makes it unreachable; `listen()`
 * again reuses the same port and keeps the stored state.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/** One request as received. */
export interface RecordedRequest {
  method: string;
  path: string;
  operationName?: string;
  authorization?: string;
  /** The request's headers as received (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  body: any;
  at: number;
}

/** A run as the fake stores it. */
export interface FakeRun {
  id: string;
  entity: string;
  project: string;
  name: string;
  fields: Record<string, unknown>;
  /** Parsed, wrapped config as last upserted (merged). */
  config: Record<string, unknown> | null;
  /** Lines per file_stream file, indexed by offset (holes stay undefined). */
  files: Record<string, (string | undefined)[]>;
  uploaded: string[];
  uploads: Map<string, Buffer>;
  complete: boolean;
  exitcode: number | null;
  fileStreamRequests: number;
}

/** A scripted failure: answer `status` (with headers/body) to the next `times` matching requests. */
export interface Fault {
  status: number;
  times: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Which requests it applies to (default: all). */
  match?: (req: RecordedRequest) => boolean;
}

const DEFAULT_ENTITY = 'fake-entity';

export class FakeWandbServer {
  readonly requests: RecordedRequest[] = [];
  readonly runs = new Map<string, FakeRun>();
  readonly faults: Fault[] = [];
  /** Run names whose file_stream answers `{"stopped": true}`. */
  readonly stopRuns = new Set<string>();
  /** When true, requests are accepted and never answered. */
  hang = false;
  /** Requests it returns true for are accepted and never answered (a server stuck mid-request). */
  hangWhen: ((req: RecordedRequest) => boolean) | null = null;
  /** Called with each request before it is answered; a returned promise holds the answer until it settles. */
  gate: ((req: RecordedRequest) => Promise<void> | undefined) | null = null;
  /** Replaces the answer of requests it returns a body for (sent with status 200). */
  answerWith: ((req: RecordedRequest) => unknown) | null = null;
  /** The `uploadHeaders` CreateRunFiles answers ("Name:Value" strings). */
  uploadHeaders: string[] = [];
  port = 0;
  private app: FastifyInstance | null = null;
  private nextId = 1;

  constructor(readonly apiKey: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens (again) on the same port, keeping the state. */
  async listen(): Promise<void> {
    const app = Fastify({ bodyLimit: 256 * 1024 * 1024, forceCloseConnections: true });
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // Uploads may carry any content-type the server's uploadHeaders asked for.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/graphql', (req, reply) => this.handle(req, reply, () => this.graphql(req)));
    app.post<{ Params: { entity: string; project: string; run: string } }>('/files/:entity/:project/:run/file_stream', (req, reply) =>
      this.handle(req, reply, () => this.fileStream(req.params, req.body as Record<string, any>)),
    );
    app.put<{ Params: { id: string; '*': string } }>('/upload/:id/*', (req, reply) => this.handle(req, reply, () => this.upload(req.params.id, req.params['*'], req.body as Buffer), false));
    await app.listen({ host: '127.0.0.1', port: this.port });
    const address = app.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.app = app;
  }

  /** Stops listening (the port becomes unreachable); in-flight requests are cut. */
  async close(): Promise<void> {
    const app = this.app;
    this.app = null;
    await app?.close();
  }

  /** The run named `name` (any entity/project), if upserted. */
  run(name: string): FakeRun | undefined {
    return [...this.runs.values()].find((r) => r.name === name);
  }

  /** Lines stored for a run's file, with `undefined` for holes. */
  lines(name: string, file: string): (string | undefined)[] {
    return this.run(name)?.files[file] ?? [];
  }

  /** Requests of one GraphQL operation. */
  operations(name: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operationName === name);
  }

  /** Seeds a run as if another machine had written it (for resume tests). */
  seedRun(entity: string, project: string, name: string, init: { history: string[]; events?: string[]; output?: string[]; config?: Record<string, unknown>; summary?: Record<string, unknown>; displayName?: string }): FakeRun {
    const run = this.bucket(entity, project, name);
    run.files['wandb-history.jsonl'] = [...init.history];
    run.files['wandb-events.jsonl'] = [...(init.events ?? [])];
    run.files['output.log'] = [...(init.output ?? [])];
    run.files['wandb-summary.json'] = [JSON.stringify(init.summary ?? {})];
    run.config = init.config ?? {};
    run.fields.displayName = init.displayName ?? name;
    return run;
  }

  private async handle(req: FastifyRequest, reply: FastifyReply, answer: () => unknown, auth = true): Promise<unknown> {
    const recorded: RecordedRequest = {
      method: req.method,
      path: req.url,
      headers: { ...req.headers },
      body: Buffer.isBuffer(req.body) ? { bytes: req.body.length } : req.body,
      at: Date.now(),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(typeof (req.body as { operationName?: unknown })?.operationName === 'string' ? { operationName: (req.body as { operationName: string }).operationName } : {}),
    };
    this.requests.push(recorded);
    if (this.hang || this.hangWhen?.(recorded)) return new Promise(() => undefined);
    await this.gate?.(recorded);
    const replaced = this.answerWith?.(recorded);
    if (replaced !== undefined) return replaced;
    const fault = this.faults.find((f) => f.times > 0 && (!f.match || f.match(recorded)));
    if (fault) {
      fault.times -= 1;
      return reply.code(fault.status).headers(fault.headers ?? {}).send(fault.body ?? { error: `scripted ${fault.status}` });
    }
    if (auth && req.headers.authorization !== `Basic ${Buffer.from(`api:${this.apiKey}`).toString('base64')}`) {
      return reply.code(401).send({ errors: [{ message: 'user is not logged in' }] });
    }
    return answer();
  }

  private bucket(entity: string, project: string, name: string): FakeRun {
    const key = `${entity}/${project}/${name}`;
    let run = this.runs.get(key);
    if (!run) {
      run = { id: `bucket-${this.nextId++}`, entity, project, name, fields: {}, config: null, files: {}, uploaded: [], uploads: new Map(), complete: false, exitcode: null, fileStreamRequests: 0 };
      this.runs.set(key, run);
    }
    return run;
  }

  private graphql(req: FastifyRequest): unknown {
    const { operationName, variables } = req.body as { operationName: string; variables: Record<string, any> };
    if (operationName === 'UpsertBucket') return { data: this.upsertBucket(variables) };
    if (operationName === 'RunResumeStatus') return { data: this.resumeStatus(variables) };
    if (operationName === 'CreateRunFiles') return { data: this.createRunFiles(variables) };
    return { errors: [{ message: `operation ${operationName} is not supported by the fake` }] };
  }

  private upsertBucket(v: Record<string, any>): unknown {
    const inserted = !this.runs.has(`${v.entity ?? DEFAULT_ENTITY}/${v.project}/${v.name}`);
    const run = this.bucket(v.entity ?? DEFAULT_ENTITY, v.project, v.name);
    for (const [key, value] of Object.entries(v)) if (value !== null && key !== 'config') run.fields[key] = value;
    if (v.config !== null) run.config = { ...(run.config ?? {}), ...JSON.parse(v.config) };
    return {
      upsertBucket: {
        bucket: {
          id: run.id,
          name: run.name,
          displayName: run.fields.displayName ?? null,
          description: null,
          config: JSON.stringify(run.config ?? {}),
          sweepName: null,
          historyLineCount: (run.files['wandb-history.jsonl'] ?? []).length,
          project: { id: `p-${run.project}`, name: run.project, entity: { id: `e-${run.entity}`, name: run.entity } },
        },
        inserted,
      },
    };
  }

  private resumeStatus(v: Record<string, any>): unknown {
    const entity = v.entity ?? DEFAULT_ENTITY;
    const run = this.runs.get(`${entity}/${v.project}/${v.name}`);
    const model = { id: `p-${v.project}`, name: v.project, entity: { id: `e-${entity}`, name: entity } };
    if (!run) return { model: { ...model, bucket: null } };
    const history = (run.files['wandb-history.jsonl'] ?? []) as string[];
    const events = (run.files['wandb-events.jsonl'] ?? []) as string[];
    return {
      model: {
        ...model,
        bucket: {
          id: run.id,
          name: run.name,
          summaryMetrics: run.files['wandb-summary.json']?.[0] ?? '{}',
          displayName: run.fields.displayName ?? run.name,
          logLineCount: (run.files['output.log'] ?? []).length,
          historyLineCount: history.length,
          eventsLineCount: events.length,
          historyTail: JSON.stringify(history.slice(-10)),
          eventsTail: JSON.stringify(events.slice(-10)),
          config: JSON.stringify(run.config ?? {}),
          tags: run.fields.tags ?? [],
          notes: run.fields.notes ?? null,
          wandbConfig: JSON.stringify({ t: {} }),
        },
      },
    };
  }

  private createRunFiles(v: Record<string, any>): unknown {
    const run = this.bucket(v.entity, v.project, v.run);
    const files = (v.files as string[]).map((name) => ({ name, uploadUrl: `${this.url}/upload/${run.id}/${name}?token=secret-upload-token` }));
    return { createRunFiles: { runID: run.id, uploadHeaders: this.uploadHeaders, files } };
  }

  private upload(id: string, name: string, body: Buffer): unknown {
    const run = [...this.runs.values()].find((r) => r.id === id);
    if (!run) return { error: 'no such run' };
    run.uploads.set(decodeURIComponent(name.split('?')[0]!), body ?? Buffer.alloc(0));
    return {};
  }

  private fileStream(params: { entity: string; project: string; run: string }, body: Record<string, any>): unknown {
    const run = this.bucket(params.entity, params.project, params.run);
    run.fileStreamRequests += 1;
    for (const [file, chunk] of Object.entries((body.files ?? {}) as Record<string, { offset: number; content: string[] }>)) {
      const lines = (run.files[file] ??= []);
      if (file === 'wandb-summary.json') lines.length = 0;
      chunk.content.forEach((line, k) => (lines[chunk.offset + k] = line));
    }
    for (const path of (body.uploaded ?? []) as string[]) if (!run.uploaded.includes(path)) run.uploaded.push(path);
    if (body.complete === true) {
      run.complete = true;
      run.exitcode = body.exitcode;
    }
    return this.stopRuns.has(run.name) ? { stopped: true } : {};
  }
}
