/** Every project of the viewer's entities, most recently active first. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchProjects, type ProjectInfo } from '../api.js';
import { routeHref } from '../router.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { RelTime } from '../ui/badges.js';

/** The projects page (`data-page="projects"`). */
export function ProjectsPage() {
  const [projects, setProjects] = useState<ProjectInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    let live = true;
    fetchProjects().then(
      (p) => live && setProjects(p),
      (e) => live && !handleUnauthorized(e) && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (projects ?? [])
      .filter((p) => !q || `${p.entity}/${p.name}`.toLowerCase().includes(q))
      .sort((a, b) => Date.parse(b.lastActivity) - Date.parse(a.lastActivity));
  }, [projects, query]);

  return (
    <div class="page" data-page="projects">
      <div class="page-head">
        <h1>Projects</h1>
        <input class="search" type="search" placeholder="Search projects…" aria-label="Search projects" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </div>
      {error ? <p class="alert">{error}</p> : null}
      {projects === null && !error ? <p class="muted">Loading…</p> : null}
      {projects !== null && projects.length === 0 ? <p class="empty">No projects yet. Runs logged with this key's entities appear here.</p> : null}
      {shown.length > 0 ? (
        <table class="table projects-table">
          <thead>
            <tr>
              <th>Entity</th>
              <th>Project</th>
              <th class="num">Runs</th>
              <th>Last activity</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={`${p.entity}/${p.name}`} data-project={`${p.entity}/${p.name}`}>
                <td class="muted">{p.entity}</td>
                <td>
                  <a href={routeHref({ page: 'runs', entity: p.entity, project: p.name })}>{p.name}</a>
                </td>
                <td class="num">{p.runCount}</td>
                <td>
                  <RelTime iso={p.lastActivity} />
                </td>
                <td>
                  <RelTime iso={p.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
