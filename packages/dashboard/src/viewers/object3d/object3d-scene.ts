/**
 * The three.js side of the 3D viewer: reading a file into a scene graph, and a viewer (renderer,
 * orbit controls, grid and axes, fitted camera) drawing it into a host element. Only the panel's
 * dynamic `import()` reaches this module, so three.js lives in a lazily loaded chunk and the main
 * bundle does not carry it.
 *
 * CSP: nothing here fetches. Files arrive as bytes; glTF is packed into one GLB first (see
 * gltf-pack.ts) and GLTFLoader reads its images with an `<img>` from a `blob:` URL instead of
 * `fetch` (which `connect-src 'self'` refuses for `blob:`).
 */
import {
  AmbientLight,
  ArrowHelper,
  AxesHelper,
  Box3,
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  DoubleSide,
  Float32BufferAttribute,
  GridHelper,
  Group,
  HemisphereLight,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshStandardMaterial,
  Object3D,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Scene,
  SRGBColorSpace,
  TextureLoader,
  Vector3,
  WebGLRenderer,
  type Material,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js';
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { fitCamera, niceSize, type Bounds, type Vec3 } from './bounds.js';
import { packGltf, parseGlb, resolveRelative, type GltfJson } from './gltf-pack.js';
import type { Object3DKind } from './object3d-value.js';
import { boxEdges, DEFAULT_POINT_RGB, parsePointCloud, type Rgb, type SceneBox, type SceneVector } from './point-cloud.js';

/** Which axis points up: point clouds (lidar) are z-up, glTF and most meshes y-up. */
export type UpAxis = 'y' | 'z';

/** A file read into a scene graph, with what the panel reports. */
export interface LoadedObject {
  root: Object3D;
  /** Points drawn (point clouds, and point primitives of meshes). */
  points: number;
  /** Meshes drawn. */
  meshes: number;
  /** Boxes of a point-cloud scene, for the legend. */
  boxes: { label: string | null; color: Rgb; score: number | null }[];
  /** The up axis the file's kind suggests. */
  up: UpAxis;
}

/** Reads a file of another path the object refers to (glTF buffers and images). */
export type FetchFile = (path: string) => Promise<ArrayBuffer>;

const css = (rgb: Rgb) => new Color().setRGB(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, SRGBColorSpace);

function pointsObject(positions: Float32Array, colors: Uint8Array | null): Points {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  if (colors) {
    // Vertex colours are read in the linear working space: convert the file's sRGB bytes.
    const linear = new Float32Array(colors.length);
    const color = new Color();
    for (let i = 0; i < colors.length; i += 3) {
      color.setRGB(colors[i]! / 255, colors[i + 1]! / 255, colors[i + 2]! / 255, SRGBColorSpace);
      linear[i] = color.r;
      linear[i + 1] = color.g;
      linear[i + 2] = color.b;
    }
    geometry.setAttribute('color', new BufferAttribute(linear, 3));
  }
  const material = new PointsMaterial({ size: 2, sizeAttenuation: false, vertexColors: colors !== null });
  if (!colors) material.color = css(DEFAULT_POINT_RGB);
  return new Points(geometry, material);
}

function boxesObject(boxes: readonly SceneBox[]): LineSegments {
  const positions: number[] = [];
  const colors: number[] = [];
  for (const box of boxes) {
    const color = css(box.color);
    for (const [a, b] of boxEdges(box.corners)) {
      positions.push(...box.corners[a]!, ...box.corners[b]!);
      colors.push(color.r, color.g, color.b, color.r, color.g, color.b);
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setAttribute('color', new Float32BufferAttribute(colors, 3));
  return new LineSegments(geometry, new LineBasicMaterial({ vertexColors: true }));
}

function vectorObject(vector: SceneVector): Object3D {
  const start = new Vector3(...vector.start);
  const direction = new Vector3(...vector.end).sub(start);
  const length = direction.length();
  if (length === 0) return new Object3D();
  const head = Math.min(length * 0.2, length);
  return new ArrowHelper(direction.normalize(), start, length, css(vector.color).getHex(), head, head * 0.5);
}

function readPointCloud(bytes: ArrayBuffer): LoadedObject {
  const cloud = parsePointCloud(JSON.parse(new TextDecoder().decode(bytes)));
  const root = new Group();
  root.add(pointsObject(cloud.positions, cloud.colors));
  if (cloud.boxes.length > 0) root.add(boxesObject(cloud.boxes));
  for (const vector of cloud.vectors) root.add(vectorObject(vector));
  const boxes = cloud.boxes.map(({ label, color, score }) => ({ label, color, score }));
  return { root, points: cloud.count, meshes: 0, boxes, up: 'z' };
}

/** Draws both faces of every mesh: OBJ files are often open or wound either way. */
function doubleSided(root: Object3D): Object3D {
  root.traverse((o) => {
    const material = (o as Mesh).isMesh ? (o as Mesh).material : null;
    for (const m of Array.isArray(material) ? material : material ? [material] : []) m.side = DoubleSide;
  });
  return root;
}

/** Counts meshes and the points of point primitives in a loaded model. */
function meshObject(root: Object3D, up: UpAxis): LoadedObject {
  let meshes = 0;
  let points = 0;
  root.traverse((o) => {
    if ((o as Mesh).isMesh) meshes++;
    else if ((o as Points).isPoints) points += (o as Points).geometry.getAttribute('position')?.count ?? 0;
  });
  return { root, points, meshes, boxes: [], up };
}

async function readGltf(bytes: ArrayBuffer, kind: 'gltf' | 'glb', path: string, fetchFile: FetchFile): Promise<LoadedObject> {
  const parts = kind === 'glb' ? parseGlb(bytes) : { json: JSON.parse(new TextDecoder().decode(bytes)) as GltfJson, bin: null };
  const glb = await packGltf(parts.json, parts.bin, (uri) => fetchFile(resolveRelative(path, uri)));
  const loader = new GLTFLoader();
  // Images through <img> (blob: URLs are allowed by img-src), never ImageBitmapLoader's fetch.
  loader.register((parser) => {
    parser.textureLoader = new TextureLoader(parser.options.manager);
    return { name: 'dashboard-csp-textures' };
  });
  const gltf = await loader.parseAsync(glb, '');
  return meshObject(gltf.scene, 'y');
}

/**
 * Reads the file of one object (`bytes`, at run-file `path`) into a scene graph. Throws with a
 * readable message for a file its reader refuses.
 */
export async function loadObject(kind: Object3DKind, bytes: ArrayBuffer, path: string, fetchFile: FetchFile): Promise<LoadedObject> {
  switch (kind) {
    case 'points':
      return readPointCloud(bytes);
    case 'obj':
      return meshObject(doubleSided(new OBJLoader().parse(new TextDecoder().decode(bytes))), 'y');
    case 'stl': {
      const geometry = new STLLoader().parse(bytes);
      // Many STL writers leave the facet normals zero (a black mesh): the faces' own normals.
      geometry.computeVertexNormals();
      const vertexColors = geometry.hasAttribute('color');
      const material = new MeshStandardMaterial({ color: vertexColors ? 0xffffff : 0x9aa4b2, vertexColors, metalness: 0.1, roughness: 0.7, side: DoubleSide });
      return meshObject(new Mesh(geometry, material), 'z');
    }
    case 'gltf':
    case 'glb':
      return readGltf(bytes, kind, path, fetchFile);
  }
}

/** WebGL could not be used (no context, or it was lost). */
export class WebGLUnavailableError extends Error {
  override name = 'WebGLUnavailableError';
}

/** A live viewer; the panel drives it and must dispose it. */
export interface Viewer {
  setPointSize(px: number): void;
  setUp(axis: UpAxis): void;
  /** Fits the camera to the content again. */
  resetView(): void;
  dispose(): void;
}

/** Options of a new viewer. */
export interface ViewerOptions {
  pointSize: number;
  up: UpAxis;
  /** Called when the WebGL context is lost after creation. */
  onError(message: string): void;
}

const FOV = 50;
/** The direction the camera looks from, before the up axis is applied (front, right, above). */
const VIEW_FROM: Record<UpAxis, Vec3> = { y: [1, 0.8, 1.4], z: [1, -1.4, 0.8] };

/** A renderer on a new canvas; the context is made here so a failure can name its reason. */
function createRenderer(): WebGLRenderer {
  const canvas = document.createElement('canvas');
  let reason = '';
  const onFail = (event: Event) => void (reason = (event as WebGLContextEvent).statusMessage);
  canvas.addEventListener('webglcontextcreationerror', onFail);
  const context = canvas.getContext('webgl2', { antialias: true, alpha: false, depth: true, stencil: false, premultipliedAlpha: true });
  canvas.removeEventListener('webglcontextcreationerror', onFail);
  const unavailable = (detail: string) => new WebGLUnavailableError(`WebGL 2 is not available in this browser${detail ? ` (${detail})` : ''}, so the 3D view cannot be drawn. The counts shown come from the file.`);
  if (!context) throw unavailable(reason.trim());
  try {
    return new WebGLRenderer({ canvas, context, antialias: true });
  } catch (error) {
    throw unavailable(error instanceof Error ? error.message : String(error));
  }
}

function boundsOf(root: Object3D): Bounds | null {
  const box = new Box3().setFromObject(root);
  if (box.isEmpty()) return null;
  return { min: box.min.toArray() as Vec3, max: box.max.toArray() as Vec3 };
}

/** Grid under the content (in the plane normal to `up`) and axes, sized to the bounds. */
function helpersFor(bounds: Bounds, up: UpAxis): Object3D {
  const helpers = new Group();
  const across = up === 'z' ? [0, 1] : [0, 2];
  const extent = Math.max(...across.map((i) => bounds.max[i]! - bounds.min[i]!), 1e-9);
  const size = niceSize(extent * 1.2);
  const grid = new GridHelper(size, 10, 0x8c959f, 0xd0d7de);
  const center = [0, 1, 2].map((i) => (bounds.min[i]! + bounds.max[i]!) / 2);
  if (up === 'z') {
    grid.rotation.x = Math.PI / 2;
    grid.position.set(center[0]!, center[1]!, bounds.min[2]);
  } else grid.position.set(center[0]!, bounds.min[1], center[2]!);
  helpers.add(grid);
  const axes = new AxesHelper(size / 4);
  // At the origin when it is near the content, else at the grid's corner so it stays in view.
  const origin = new Vector3(0, 0, 0);
  const near = new Box3(new Vector3(...bounds.min), new Vector3(...bounds.max)).expandByScalar(size).containsPoint(origin);
  if (!near) axes.position.set(...bounds.min);
  helpers.add(axes);
  return helpers;
}

function disposeTree(root: Object3D): void {
  root.traverse((o) => {
    const withGeometry = o as Partial<Mesh>;
    withGeometry.geometry?.dispose();
    const material = withGeometry.material as Material | Material[] | undefined;
    for (const m of Array.isArray(material) ? material : material ? [material] : []) {
      for (const value of Object.values(m)) if (value && typeof value === 'object' && 'isTexture' in value) (value as { dispose(): void }).dispose();
      m.dispose();
    }
  });
}

/**
 * Draws `object` into `host` (a canvas filling its width and height), rendering on demand: after
 * a camera move, a resize or a setting change. Throws WebGLUnavailableError when no WebGL context
 * can be created.
 */
export function createViewer(host: HTMLElement, object: LoadedObject, options: ViewerOptions): Viewer {
  const renderer = createRenderer();
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  const canvas = renderer.domElement;
  canvas.classList.add('object3d-canvas');
  host.append(canvas);
  const scene = new Scene();
  scene.background = new Color(0xf6f8fa);
  scene.add(new HemisphereLight(0xffffff, 0x8c959f, 1.6), new AmbientLight(0xffffff, 0.4));
  const sun = new DirectionalLight(0xffffff, 1.8);
  scene.add(sun, object.root);
  const camera = new PerspectiveCamera(FOV, 1, 0.1, 1000);
  let controls: OrbitControls | null = null;
  let helpers: Object3D | null = null;
  let up: UpAxis = options.up;
  let frame = 0;
  let disposed = false;

  const render = () => {
    frame = 0;
    if (!disposed) renderer.render(scene, camera);
  };
  const requestRender = () => {
    if (!frame && !disposed) frame = requestAnimationFrame(render);
  };
  const fit = () => {
    const bounds = boundsOf(object.root) ?? { min: [-1, -1, -1], max: [1, 1, 1] };
    const view = fitCamera(bounds, FOV, camera.aspect, VIEW_FROM[up]);
    camera.up.set(0, up === 'y' ? 1 : 0, up === 'z' ? 1 : 0);
    camera.position.set(...view.position);
    camera.near = view.near;
    camera.far = view.far;
    camera.updateProjectionMatrix();
    sun.position.set(...view.position);
    // OrbitControls takes the up axis from the camera when created: a new up needs new controls.
    controls?.dispose();
    controls = new OrbitControls(camera, canvas);
    controls.target.set(...view.target);
    controls.maxDistance = view.distance * 8;
    controls.addEventListener('change', requestRender);
    controls.update();
    if (helpers) {
      scene.remove(helpers);
      disposeTree(helpers);
    }
    helpers = helpersFor(bounds, up);
    scene.add(helpers);
    requestRender();
  };
  const resize = () => {
    const width = Math.max(1, host.clientWidth);
    const height = Math.max(1, host.clientHeight);
    renderer.setSize(width, height, true);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    requestRender();
  };
  const onLost = (event: Event) => {
    event.preventDefault();
    if (!disposed) options.onError('The WebGL context was lost (too many 3D views open, or the GPU was reset). Reload to draw it again.');
  };
  canvas.addEventListener('webglcontextlost', onLost);
  const observer = new ResizeObserver(resize);
  observer.observe(host);
  resize();
  fit();
  setPointSize(options.pointSize);

  function setPointSize(px: number): void {
    object.root.traverse((o) => {
      const material = (o as Points).isPoints ? ((o as Points).material as PointsMaterial) : null;
      if (material?.isPointsMaterial) material.size = px;
    });
    requestRender();
  }

  return {
    setPointSize,
    setUp(axis) {
      up = axis;
      fit();
    },
    resetView: fit,
    dispose() {
      disposed = true;
      if (frame) cancelAnimationFrame(frame);
      observer.disconnect();
      canvas.removeEventListener('webglcontextlost', onLost);
      controls?.dispose();
      disposeTree(scene);
      renderer.dispose();
      renderer.forceContextLoss();
      canvas.remove();
    },
  };
}
