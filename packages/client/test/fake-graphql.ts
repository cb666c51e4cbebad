/**
 * A fake W&B server for login tests: answers GraphQL `Viewer` on 127.0.0.1 (port 0) the way the real
 * one does, for the keys it is told are good, and records every request it gets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: any;
}

const VIEWER = { id: '1', entity: 'alice', username: 'alice', email: null, flags: '{}', teams: { edges: [] } };

/** The fake server; `start` it, point `WANDB_BASE_URL` (or `host`) at `baseUrl`, `close` it. */
export class FakeGraphql {
  readonly requests: SeenRequest[] = [];
  /** Keys the fake accepts; any other key gets W&B's 401. */
  readonly goodKeys = new Set<string>();
  /** When set, requests are held unanswered (a server that hangs). */
  hang = false;
  private readonly held: ServerResponse[] = [];

  private constructor(private readonly server: Server) {}

  /** Starts the fake on a free loopback port, accepting `goodKeys`. */
  static async start(goodKeys: readonly string[]): Promise<FakeGraphql> {
    let fake!: FakeGraphql;
    const server = createServer((req, res) => fake.handle(req, res));
    fake = new FakeGraphql(server);
    for (const key of goodKeys) fake.goodKeys.add(key);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The base URL clients are given: `http://127.0.0.1:<port>`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
      if (this.hang) {
        this.held.push(res);
        return;
      }
      this.answer(req, res);
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/graphql') return send(404, { errors: [{ message: 'not found' }] });
    const auth = req.headers.authorization ?? '';
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const key = decoded.startsWith('api:') ? decoded.slice(4) : '';
    if (!this.goodKeys.has(key)) return send(401, { errors: [{ message: 'invalid api key' }], data: { viewer: null } });
    send(200, { data: { viewer: VIEWER } });
  }
}
