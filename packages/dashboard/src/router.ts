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

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [kind, entity, project, run] = parts;
  if (kind === 'p' && entity && project) return { page: 'runs', entity, project };
  if (kind === 'r' && entity && project && run) return { page: 'run', entity, project, run };
  if (kind === 'c' && entity && project) {
    const runs = (new URLSearchParams(query).get('runs') ?? '').split(',').filter((r) => r !== '');
    return { page: 'compare', entity, project, runs };
  }
  return { page: 'projects' };
}

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

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
