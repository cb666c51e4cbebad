/**
 * Hash routes (`#/...`), so the server serves one index.html and a reload keeps the page:
 *   #/                                  projects
 *   #/p/<entity>/<project>              runs table
 *   #/r/<entity>/<project>/<run>        run page
 *   #/c/<entity>/<project>?runs=a,b,c   compare view
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'projects' }
  | { page: 'runs'; entity: string; project: string }
  | { page: 'run'; entity: string; project: string; run: string }
  | { page: 'compare'; entity: string; project: string; runs: string[] };

const enc = encodeURIComponent;

/** A decoded URL component, or null for a malformed escape (`%`, `%zz`, a broken UTF-8 sequence). */
function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The raw (still encoded) value of `name` in a query string, or null. */
function rawParam(query: string, name: string): string | null {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) === name) return eq < 0 ? '' : pair.slice(eq + 1);
  }
  return null;
}

/**
 * The route of a location hash. A hash that does not decode (a malformed `%` escape, typed or
 * truncated) is the projects page, not an exception that blanks the app. Compare ids are split on
 * the raw `,` before decoding, so an id holding a `,` (sent as `%2C`) stays whole.
 */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const mark = text.indexOf('?');
  const path = mark < 0 ? text : text.slice(0, mark);
  const query = mark < 0 ? '' : text.slice(mark + 1);
  const parts = path.split('/').filter((p) => p !== '').map(decode);
  if (parts.some((p) => p === null)) return { page: 'projects' };
  const [kind, entity, project, run] = parts as string[];
  if (kind === 'p' && entity && project) return { page: 'runs', entity, project };
  if (kind === 'r' && entity && project && run) return { page: 'run', entity, project, run };
  if (kind === 'c' && entity && project) {
    const runs = (rawParam(query, 'runs') ?? '').split(',').filter((r) => r !== '').map(decode);
    if (runs.some((r) => r === null)) return { page: 'projects' };
    return { page: 'compare', entity, project, runs: (runs as string[]).filter((r) => r !== '') };
  }
  return { page: 'projects' };
}

/** The hash of a route; every part (each compare id too) is encoded, so parseRoute gives it back. */
export function routeHref(route: Route): string {
  switch (route.page) {
    case 'projects':
      return '#/';
    case 'runs':
      return `#/p/${enc(route.entity)}/${enc(route.project)}`;
    case 'run':
      return `#/r/${enc(route.entity)}/${enc(route.project)}/${enc(route.run)}`;
    case 'compare':
      return `#/c/${enc(route.entity)}/${enc(route.project)}?runs=${route.runs.map(enc).join(',')}`;
  }
}

/** The route of the location hash, following its changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
