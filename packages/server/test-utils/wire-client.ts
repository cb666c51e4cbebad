/** A bare W&B wire client for tests: raw GraphQL and file_stream requests with Basic auth. */
import { gzipSync } from 'node:zlib';

/** A reply: status and parsed JSON body (null when the body is not JSON). */
export interface WireReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** Basic auth header value for `key`. */
export const basicAuth = (key: string) => `Basic ${Buffer.from(`api:${key}`).toString('base64')}`;

async function reply(response: Response): Promise<WireReply> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}

/** Requests against one server with one key (null: no Authorization header). */
export class WireClient {
  constructor(readonly url: string, readonly key: string | null) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.key === null ? {} : { authorization: basicAuth(this.key) }), ...extra };
  }

  /** POST /graphql; `operationName` is left out of the body when undefined. */
  async gql(query: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<WireReply> {
    const body = JSON.stringify(operationName === undefined ? { query, variables } : { query, variables, operationName });
    return reply(await fetch(`${this.url}/graphql`, { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body }));
  }

  /** POST a file_stream body (an object, or raw text), optionally gzipped. */
  async fileStream(path: string, body: unknown, options: { gzip?: boolean } = {}): Promise<WireReply> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = this.headers({ 'content-type': 'application/json', ...(options.gzip ? { 'content-encoding': 'gzip' } : {}) });
    return reply(await fetch(`${this.url}/files/${path}/file_stream`, { method: 'POST', headers, body: options.gzip ? gzipSync(text) : text }));
  }

  /** GET a path of the read API. */
  async get(path: string): Promise<WireReply> {
    return reply(await fetch(`${this.url}${path}`, { headers: this.headers() }));
  }

  /** GET raw bytes. */
  async getBytes(path: string): Promise<{ status: number; bytes: Buffer; contentType: string | null }> {
    const response = await fetch(`${this.url}${path}`, { headers: this.headers() });
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
  }

  /** POST with an empty JSON body. */
  async post(path: string): Promise<WireReply> {
    return reply(await fetch(`${this.url}${path}`, { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: '{}' }));
  }
}
