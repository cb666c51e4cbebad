/**
 * The key check of `login()`: W&B's GraphQL `Viewer` query, `POST <host>/graphql` with HTTP Basic
 * auth `api:<key>`. A refused key is an AuthenticationError; a server that cannot be reached (or gives
 * an answer that is not GraphQL) is reported as such, for the caller to decide.
 */
import { PACKAGE_VERSION } from '@wandb-daemon/protocol/lite';
import { AuthenticationError } from '../errors.js';
import type { ApiKey } from '../options/api-key.js';

/** The key's owner, as the server describes it. */
export interface Viewer {
  id: string;
  /** The owner's default entity (user or team) for runs. */
  entity: string;
  username: string | null;
  email: string | null;
}

/** The outcome of a check that reached no verdict: the key may be fine, the server did not say. */
export interface Unverified {
  unreachable: string;
}

const VIEWER_QUERY = `query Viewer {
  viewer {
    id
    entity
    username
    email
    flags
    teams {
      edges {
        node {
          name
        }
      }
    }
  }
}
`;

/** Asks the server who owns `key` (found in `origin`). Throws an AuthenticationError when it refuses the key. */
export async function fetchViewer(baseUrl: string, key: ApiKey, origin: string, timeoutMs: number): Promise<Viewer | Unverified> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`api:${key.reveal()}`).toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': `wandb-daemon-client/${PACKAGE_VERSION}`,
      },
      body: JSON.stringify({ query: VIEWER_QUERY, variables: {}, operationName: 'Viewer' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return { unreachable: describeFetchError(error, timeoutMs) };
  }
  if (response.status === 401 || response.status === 403) throw refused(baseUrl, origin, `HTTP ${response.status}`);
  if (!response.ok) return { unreachable: `HTTP ${response.status} from ${baseUrl}/graphql` };
  const viewer = parseViewer(text);
  if (viewer === undefined) return { unreachable: `${baseUrl}/graphql did not answer the Viewer query with GraphQL` };
  if (viewer === null) throw refused(baseUrl, origin, 'the server knows no user with it');
  return viewer;
}

/** `data.viewer` of a GraphQL answer: the viewer, null (no such user), or undefined (not a GraphQL answer). */
function parseViewer(text: string): Viewer | null | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const data = (body as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null || !('viewer' in data)) return undefined;
  const viewer = (data as { viewer: unknown }).viewer;
  if (viewer === null) return null;
  if (typeof viewer !== 'object' || typeof (viewer as { entity?: unknown }).entity !== 'string') return undefined;
  const { id, entity, username, email } = viewer as Record<string, unknown>;
  return { id: String(id), entity: entity as string, username: typeof username === 'string' ? username : null, email: typeof email === 'string' ? email : null };
}

function refused(baseUrl: string, origin: string, why: string): AuthenticationError {
  return new AuthenticationError(`API key not valid for ${baseUrl} (${why}; the key came from ${origin}). Get a valid key from the server, then call login({ key, relogin: true }).`);
}

/** What went wrong with the request, in a few words (undici hides the reason in `cause`). */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const named = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (named.name === 'TimeoutError' || named.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return named.cause?.code ?? named.cause?.message ?? named.message ?? String(error);
}
