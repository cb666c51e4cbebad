/** Point clouds of wandb.Object3D: parsing, box edges, bounds and the fitted camera. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundsOfTriples, fitCamera, mergeBounds, niceSize, type Vec3 } from '../src/viewers/object3d/bounds.js';
import { boxEdges, CATEGORY_PALETTE, DEFAULT_BOX_RGB, DEFAULT_POINT_RGB, DEFAULT_VECTOR_RGB, parsePointCloud, PointCloudError } from '../src/viewers/object3d/point-cloud.js';

const triples = (a: ArrayLike<number>) => Array.from(a);

describe('parsePointCloud', () => {
  it('reads [x, y, z] rows without colours', () => {
    const cloud = parsePointCloud([
      [1, 2, 3],
      [-1, 0.5, 9],
    ]);
    assert.equal(cloud.count, 2);
    assert.deepEqual(triples(cloud.positions), [1, 2, 3, -1, 0.5, 9]);
    assert.equal(cloud.colors, null);
    assert.deepEqual(cloud.bounds, { min: [-1, 0.5, 3], max: [1, 2, 9] });
    assert.deepEqual(cloud.boxes, []);
  });

  it('colours [x, y, z, category] rows from the palette', () => {
    const cloud = parsePointCloud([
      [0, 0, 0, 1],
      [0, 0, 1, 2.2],
      [0, 0, 2, 21],
    ]);
    assert.deepEqual(triples(cloud.colors!), [...CATEGORY_PALETTE[1]!, ...CATEGORY_PALETTE[2]!, ...CATEGORY_PALETTE[1]!]);
  });

  it('reads [x, y, z, r, g, b] rows as 0–255 colours, clamped and rounded', () => {
    const cloud = parsePointCloud([
      [0, 0, 0, 255, 0, 10.6],
      [1, 1, 1, 300, -5, 128],
    ]);
    assert.deepEqual(triples(cloud.colors!), [255, 0, 11, 255, 0, 128]);
  });

  it('gives uncoloured rows the default colour when others carry one', () => {
    const cloud = parsePointCloud([
      [0, 0, 0],
      [1, 1, 1, 10, 20, 30],
    ]);
    assert.deepEqual(triples(cloud.colors!), [...DEFAULT_POINT_RGB, 10, 20, 30]);
  });

  it('skips rows without a finite x, y and z', () => {
    const cloud = parsePointCloud([[0, 0, 0], [1, 2], [1, null, 3], 'x', [Number.NaN, 0, 0], [4, 5, 6]] as unknown);
    assert.equal(cloud.count, 2);
    assert.deepEqual(triples(cloud.positions), [0, 0, 0, 4, 5, 6]);
  });

  it("reads W&B's lidar/beta scene with boxes and vectors", () => {
    const corners: Vec3[] = [
      [0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1],
    ];
    const cloud = parsePointCloud({
      type: 'lidar/beta',
      points: [[0, 0, 0], [2, 2, 2]],
      boxes: [{ corners, label: 'car', color: [0, 255, 0], score: 0.9 }, { corners: corners.slice(0, 7), label: 'broken' }, { corners }],
      vectors: [{ start: [0, 0, 0], end: [-3, 0, 0] }, { end: [0, 5, 0], color: [1, 2, 3] }, { start: [0, 0, 0] }],
    });
    assert.equal(cloud.count, 2);
    assert.equal(cloud.boxes.length, 2, 'a box without 8 corners is skipped');
    assert.deepEqual(cloud.boxes[0], { corners, label: 'car', color: [0, 255, 0], score: 0.9 });
    assert.deepEqual(cloud.boxes[1]!.color, DEFAULT_BOX_RGB);
    assert.equal(cloud.boxes[1]!.label, null);
    assert.deepEqual(cloud.vectors, [
      { start: [0, 0, 0], end: [-3, 0, 0], color: DEFAULT_VECTOR_RGB },
      { start: [0, 0, 0], end: [0, 5, 0], color: [1, 2, 3] },
    ]);
    assert.deepEqual(cloud.bounds, { min: [-3, 0, 0], max: [2, 5, 2] }, 'bounds include boxes and vectors');
  });

  it('refuses what is not a point cloud', () => {
    assert.throws(() => parsePointCloud({ nope: 1 }), PointCloudError);
    assert.throws(() => parsePointCloud({ points: 'x' }), PointCloudError);
    assert.throws(() => parsePointCloud(42), PointCloudError);
  });

  it('has no bounds when empty', () => {
    assert.equal(parsePointCloud([]).bounds, null);
    assert.equal(parsePointCloud([]).count, 0);
  });
});

/** The edges as sorted "i-j" keys, comparable across orders. */
const edgeKeys = (edges: [number, number][]) => edges.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`).sort();

describe('boxEdges', () => {
  it("finds the 12 edges of W&B's example corner order", () => {
    const corners: Vec3[] = [
      [0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1],
    ];
    const edges = boxEdges(corners);
    assert.equal(edges.length, 12);
    for (const [a, b] of edges) {
      const d = corners[a]!.map((v, i) => Math.abs(v - corners[b]![i]!));
      assert.deepEqual(d.sort(), [0, 0, 1], `edge ${a}-${b} joins corners one unit apart`);
    }
  });

  it('finds the edges of a rotated, stretched box in any order', () => {
    const c = Math.cos(0.5);
    const s = Math.sin(0.5);
    const u: Vec3 = [4 * c, 4 * s, 0];
    const v: Vec3 = [-s, c, 0];
    const w: Vec3 = [0, 0, 0.5];
    const at = (bits: number): Vec3 => [0, 1, 2].map((i) => 10 + (bits & 1 ? u[i]! : 0) + (bits & 2 ? v[i]! : 0) + (bits & 4 ? w[i]! : 0)) as Vec3;
    const order = [5, 2, 7, 0, 3, 6, 1, 4];
    const edges = boxEdges(order.map(at));
    const expected: string[] = [];
    for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) if ([1, 2, 4].includes(order[i]! ^ order[j]!)) expected.push(`${i}-${j}`);
    assert.deepEqual(edgeKeys(edges), expected.sort());
  });

  it('joins each corner to its three nearest when the corners are no box', () => {
    const corners: Vec3[] = [
      [0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 0], [7.5, 0, 0],
    ];
    const keys = edgeKeys(boxEdges(corners));
    assert.ok(keys.includes('0-1') && keys.includes('6-7'));
    assert.ok(!keys.includes('0-7'));
    assert.deepEqual(boxEdges(corners.slice(0, 4)), []);
  });
});

describe('bounds and camera', () => {
  it('bounds flat triples and merges bounds', () => {
    assert.deepEqual(boundsOfTriples([1, 5, -2, 3, 0, 4]), { min: [1, 0, -2], max: [3, 5, 4] });
    assert.equal(boundsOfTriples([1, 2]), null);
    const a = { min: [0, 0, 0] as Vec3, max: [1, 1, 1] as Vec3 };
    assert.deepEqual(mergeBounds(a, { min: [-1, 0.5, 0], max: [0, 3, 0] }), { min: [-1, 0, 0], max: [1, 3, 1] });
    assert.equal(mergeBounds(null, a), a);
  });

  it('places the camera so the bounding sphere fits the view', () => {
    const fit = fitCamera({ min: [-1, -1, -1], max: [1, 1, 1] }, 90, 1, [0, 0, 1]);
    assert.deepEqual(fit.target, [0, 0, 0]);
    assert.ok(Math.abs(fit.radius - Math.sqrt(3)) < 1e-12);
    // 90° field of view: the sphere fits at radius / sin(45°), with 5% margin.
    const distance = (Math.sqrt(3) / Math.sin(Math.PI / 4)) * 1.05;
    assert.ok(Math.abs(fit.position[2] - distance) < 1e-9, `camera at z=${fit.position[2]}`);
    assert.equal(fit.position[0], 0);
    assert.ok(fit.near > 0 && fit.near < distance - fit.radius && fit.far > distance + fit.radius);
  });

  it('backs off further for a narrow view and never degenerates for one point', () => {
    const wide = fitCamera({ min: [0, 0, 0], max: [2, 2, 2] }, 50, 2, [1, 1, 1]);
    const narrow = fitCamera({ min: [0, 0, 0], max: [2, 2, 2] }, 50, 0.5, [1, 1, 1]);
    assert.ok(narrow.distance > wide.distance);
    const point = fitCamera({ min: [5, 5, 5], max: [5, 5, 5] }, 50, 1, [1, 0, 0]);
    assert.ok(point.radius > 0 && point.distance > 0 && point.position[0] > 5);
  });

  it('rounds grid sizes up to 1, 2 or 5 × a power of ten', () => {
    assert.equal(niceSize(0.7), 1);
    assert.equal(niceSize(1), 1);
    assert.equal(niceSize(13), 20);
    assert.equal(niceSize(420), 500);
    assert.equal(niceSize(0), 1);
  });
});
