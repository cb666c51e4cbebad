/**
 * Logged `wandb.Object3D` values: one 3D view per file (point clouds and meshes), with orbit
 * controls, a fitted camera, grid and axes, and a point-size control. three.js is loaded on first
 * use (dynamic import of object3d-scene), so pages without 3D objects never download it.
 *
 * Test hook: the root `div.object3d-panel` carries `data-state` (loading while any file loads, else
 * error when any failed, else ready), `data-object3d-points` and `data-object3d-meshes` (summed over
 * its files, counted from the parsed files even when WebGL is unavailable); each file's
 * `figure.object3d-item` carries the same for itself, with `data-path`.
 */
import '../viewers.css';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatCount } from '../../charts/format.js';
import { object3DRefs, panelState, type Object3DRef, type Object3DState } from './object3d-value.js';
import type { LoadedObject, UpAxis, Viewer } from './object3d-scene.js';

/** The panel's props: the logged value and how to read a run file (its path as logged). */
export interface Object3DPanelProps {
  value: unknown;
  fetchFile: (path: string) => Promise<ArrayBuffer>;
}

interface ItemStatus {
  state: Object3DState;
  points: number | null;
  meshes: number | null;
}

type SceneModule = typeof import('./object3d-scene.js');

let sceneModule: Promise<SceneModule> | null = null;

/** The three.js chunk, loaded once (a failed load is retried by the next panel). */
function loadSceneModule(): Promise<SceneModule> {
  sceneModule ??= import('./object3d-scene.js').catch((error: unknown) => {
    sceneModule = null;
    throw new Error(`could not load the 3D viewer code: ${error instanceof Error ? error.message : String(error)}`);
  });
  return sceneModule;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const keyOf = (ref: Object3DRef) => `${ref.path}#${ref.sha256 ?? ''}`;
const SUPPORTED = '.pts.json, .obj, .gltf, .glb and .stl';

/** One 3D object or a list of them (W&B's `object3D-file` values); see the module comment. */
export function Object3DPanel({ value, fetchFile }: Object3DPanelProps) {
  const refs = useMemo(() => object3DRefs(value), [value]);
  const fetchRef = useRef(fetchFile);
  fetchRef.current = fetchFile;
  const [statuses, setStatuses] = useState<Record<string, ItemStatus>>({});
  const shown = refs.map((ref) => statuses[keyOf(ref)]);
  const sum = (pick: (s: ItemStatus) => number | null) => shown.reduce((n, s) => n + ((s && pick(s)) ?? 0), 0);
  return (
    <div class="viewer-panel object3d-panel" data-state={panelState(shown.map((s) => s?.state))} data-object3d-points={sum((s) => s.points)} data-object3d-meshes={sum((s) => s.meshes)}>
      {refs.length === 0 ? <div class="viewer-error">Not a 3D object value (expected {'{"_type": "object3D-file", "path": …}'}).</div> : null}
      {refs.map((ref) => (
        <Object3DItem key={keyOf(ref)} item={ref} fetchFile={(path) => fetchRef.current(path)} onStatus={(status) => setStatuses((all) => ({ ...all, [keyOf(ref)]: status }))} />
      ))}
    </div>
  );
}

interface ItemProps {
  item: Object3DRef;
  fetchFile: (path: string) => Promise<ArrayBuffer>;
  onStatus: (status: ItemStatus) => void;
}

interface ItemView extends ItemStatus {
  error: string | null;
  boxes: LoadedObject['boxes'];
}

const LOADING: ItemView = { state: 'loading', points: null, meshes: null, error: null, boxes: [] };

/** One file: loads it, then draws it (the viewer is disposed on unmount or a new file). */
function Object3DItem({ item, fetchFile, onStatus }: ItemProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<Viewer | null>(null);
  const latest = useRef({ fetchFile, onStatus });
  latest.current = { fetchFile, onStatus };
  const [view, setView] = useState<ItemView>(LOADING);
  const [pointSize, setPointSize] = useState(2);
  const [up, setUp] = useState<UpAxis>('z');
  const pointSizeRef = useRef(pointSize);
  pointSizeRef.current = pointSize;

  useEffect(() => {
    // Set when this file's effect is torn down: a late load of a replaced file draws nothing.
    let cancelled = false;
    setView(LOADING);
    const load = async () => {
      if (!item.kind) throw new Error(`No 3D reader for ${item.path}: ${SUPPORTED} are supported.`);
      const [bytes, scene] = await Promise.all([latest.current.fetchFile(item.path), loadSceneModule()]);
      if (cancelled) return;
      const loaded = await scene.loadObject(item.kind, bytes, item.path, (path) => latest.current.fetchFile(path));
      if (cancelled || !hostRef.current) return;
      const counted = { points: loaded.points, meshes: loaded.meshes, boxes: loaded.boxes };
      setUp(loaded.up);
      try {
        const onError = (message: string) => !cancelled && setView({ state: 'error', ...counted, error: message });
        viewerRef.current = scene.createViewer(hostRef.current, loaded, { pointSize: pointSizeRef.current, up: loaded.up, onError });
        setView({ state: 'ready', ...counted, error: null });
      } catch (error) {
        setView({ state: 'error', ...counted, error: messageOf(error) });
      }
    };
    load().catch((error: unknown) => !cancelled && setView({ ...LOADING, state: 'error', error: messageOf(error) }));
    return () => {
      cancelled = true;
      viewerRef.current?.dispose();
      viewerRef.current = null;
    };
  }, [item.path, item.sha256, item.kind]);

  useEffect(() => latest.current.onStatus({ state: view.state, points: view.points, meshes: view.meshes }), [view.state, view.points, view.meshes]);

  const ready = view.state === 'ready';
  const name = item.path.split('/').pop() ?? item.path;
  return (
    <figure class="object3d-item" data-path={item.path} data-state={view.state} data-object3d-points={view.points ?? 0} data-object3d-meshes={view.meshes ?? 0}>
      <div class="viewer-toolbar">
        {view.points ? (
          <label class="viewer-control" title="Point size in pixels">
            point size
            <input type="range" min={1} max={10} step={1} value={pointSize} disabled={!ready} onInput={(e) => {
              const px = Number(e.currentTarget.value);
              setPointSize(px);
              viewerRef.current?.setPointSize(px);
            }} />
          </label>
        ) : null}
        <label class="viewer-control" title="The axis that points up">
          up
          <select value={up} disabled={!ready} onChange={(e) => {
            const axis = e.currentTarget.value === 'y' ? 'y' : 'z';
            setUp(axis);
            viewerRef.current?.setUp(axis);
          }}>
            <option value="z">z</option>
            <option value="y">y</option>
          </select>
        </label>
        <button type="button" class="viewer-button" disabled={!ready} title="Fit the camera to the object again" onClick={() => viewerRef.current?.resetView()}>
          reset view
        </button>
        <span class="viewer-stats">{statsText(view)}</span>
      </div>
      <div class="object3d-frame">
        <div class="object3d-view" ref={hostRef} />
        {view.state !== 'ready' ? <div class={`object3d-overlay${view.state === 'error' ? ' viewer-error' : ''}`}>{view.state === 'loading' ? 'loading…' : view.error}</div> : null}
      </div>
      {view.boxes.length > 0 ? <BoxLegend boxes={view.boxes} /> : null}
      <figcaption class="viewer-caption" title={item.path}>
        {item.caption ?? name}
      </figcaption>
    </figure>
  );
}

function statsText(view: ItemView): string {
  if (view.points === null) return '';
  const parts: string[] = [];
  if (view.points || !view.meshes) parts.push(`${formatCount(view.points)} point${view.points === 1 ? '' : 's'}`);
  if (view.meshes) parts.push(`${formatCount(view.meshes)} mesh${view.meshes === 1 ? '' : 'es'}`);
  if (view.boxes.length) parts.push(`${formatCount(view.boxes.length)} box${view.boxes.length === 1 ? '' : 'es'}`);
  return parts.join(' · ');
}

/** The boxes' labels with their colour and count. */
function BoxLegend({ boxes }: { boxes: LoadedObject['boxes'] }) {
  const groups = new Map<string, { color: string; count: number }>();
  for (const box of boxes) {
    const label = box.label ?? '(no label)';
    const group = groups.get(label) ?? { color: `rgb(${box.color.join(',')})`, count: 0 };
    group.count++;
    groups.set(label, group);
  }
  return (
    <ul class="viewer-legend">
      {[...groups].map(([label, { color, count }]) => (
        <li key={label}>
          <span class="viewer-swatch" style={{ background: color }} />
          {label}
          {count > 1 ? ` ×${count}` : ''}
        </li>
      ))}
    </ul>
  );
}
