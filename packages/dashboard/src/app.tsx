/**
 * The app shell: the login page while this tab has no key, else the header (product, breadcrumbs,
 * viewer, sign out) and the page of the route. A 401 from anywhere forgets the key and returns to
 * the login page saying the key was refused.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, fetchViewer, type Viewer } from './api.js';
import { routeHref, useRoute, type Route } from './router.js';
import { forgetKey, storedKey, storeKey } from './session.js';
import { CompareView } from './pages/compare-page.js';
import { compareKey } from './pages/compare-paths.js';
import { LoginPage } from './pages/login-page.js';
import { ProjectsPage } from './pages/projects-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { handleUnauthorized, setUnauthorizedHandler } from './ui/api-errors.js';

/** The whole dashboard: login or the routed page under the header. */
export function App() {
  const [key, setKey] = useState(storedKey);
  const [refused, setRefused] = useState(false);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      forgetKey();
      setKey(null);
      setViewer(null);
      setRefused(true);
    });
    // Charts fetch on their own: a 401 they do not catch still signs the tab out.
    const onRejection = (event: PromiseRejectionEvent) => {
      if (event.reason instanceof ApiError && handleUnauthorized(event.reason)) event.preventDefault();
    };
    addEventListener('unhandledrejection', onRejection);
    return () => {
      setUnauthorizedHandler(null);
      removeEventListener('unhandledrejection', onRejection);
    };
  }, []);

  useEffect(() => {
    if (!key || viewer) return;
    let live = true;
    fetchViewer().then(
      (v) => live && setViewer(v),
      (e) => handleUnauthorized(e),
    );
    return () => {
      live = false;
    };
  }, [key, viewer]);

  useEffect(() => {
    document.title = `${pageTitle(route)} · wandb-daemon`;
  }, [route]);

  if (!key) {
    return (
      <LoginPage
        refused={refused}
        onLogin={(k, v) => {
          storeKey(k);
          setViewer(v);
          setRefused(false);
          setKey(k);
          location.hash = routeHref({ page: 'projects' });
        }}
      />
    );
  }

  const signOut = () => {
    forgetKey();
    // A reload drops everything the previous key fetched, and the live socket it authenticated.
    location.hash = routeHref({ page: 'projects' });
    location.reload();
  };

  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href={routeHref({ page: 'projects' })}>
          wandb-daemon
        </a>
        <Breadcrumbs route={route} />
        <span class="spacer" />
        {viewer ? (
          <span class="viewer" title={viewer.email ?? undefined} data-viewer={viewer.username}>
            {viewer.username}
          </span>
        ) : null}
        <button type="button" class="btn btn-quiet" data-action="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main class="main">
        <Page route={route} />
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'projects':
      return <ProjectsPage />;
    case 'runs':
      return <RunsPage key={`${route.entity}/${route.project}`} entity={route.entity} project={route.project} />;
    case 'run':
      return <RunPage key={`${route.entity}/${route.project}/${route.run}`} path={{ entity: route.entity, project: route.project, run: route.run }} />;
    case 'compare':
      return <CompareView key={compareKey(route.entity, route.project, route.runs)} entity={route.entity} project={route.project} runs={route.runs} />;
  }
}

function pageTitle(route: Route): string {
  switch (route.page) {
    case 'projects':
      return 'Projects';
    case 'runs':
      return `${route.entity}/${route.project}`;
    case 'run':
      return `${route.run} · ${route.project}`;
    case 'compare':
      return `Compare ${route.runs.length} runs · ${route.project}`;
  }
}

function Breadcrumbs({ route }: { route: Route }) {
  const crumbs: { label: string; href?: string }[] = [{ label: 'Projects', href: routeHref({ page: 'projects' }) }];
  if (route.page !== 'projects') {
    crumbs.push({ label: route.entity });
    crumbs.push({ label: route.project, href: routeHref({ page: 'runs', entity: route.entity, project: route.project }) });
  }
  if (route.page === 'run') crumbs.push({ label: route.run });
  if (route.page === 'compare') crumbs.push({ label: `Compare ${route.runs.length} runs` });
  return (
    <nav class="crumbs" aria-label="Breadcrumbs">
      {crumbs.map((c, i) => {
        const last = i === crumbs.length - 1;
        return (
          <span class="crumb" key={i}>
            {c.href && !last ? <a href={c.href}>{c.label}</a> : <span aria-current={last ? 'page' : undefined}>{c.label}</span>}
          </span>
        );
      })}
    </nav>
  );
}
