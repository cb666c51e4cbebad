/**
 * Array-shaped inputs of the media classes, in the three forms a JS caller has them: nested arrays
 * (`number[][][]`), `{ data, shape }` (a flat array in row-major order, as numpy and ndarray lay it
 * out), and TensorFlow.js tensors (duck-typed: `shape`, `dtype`, `dataSync()`; tfjs is not imported).
 */

/** Numbers in row-major order, and the shape they fill. */
export interface NdArray {
  data: ArrayLike<number>;
  shape: number[];
}

/** What the client reads of a TensorFlow.js tensor. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number | string>;
}

/** A flat array and its shape, e.g. `{ data: new Uint8Array(h * w * 3), shape: [h, w, 3] }`. */
export interface ShapedData {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** True for a TensorFlow.js tensor (or anything shaped like one). */
export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TensorLike>;
  return Array.isArray(candidate.shape) && typeof candidate.dtype === 'string' && typeof candidate.dataSync === 'function';
}

/** True for `{ data, shape }`. */
export function isShapedData(value: unknown): value is ShapedData {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const candidate = value as Partial<ShapedData>;
  return Array.isArray(candidate.shape) && (Array.isArray(candidate.data) || ArrayBuffer.isView(candidate.data));
}

/** A numeric typed array (not a DataView). */
export function isNumericArrayView(value: unknown): value is ArrayLike<number> & ArrayBufferView {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/** The numbers of a tensor, in row-major order; throws for string and complex tensors. */
export function tensorData(tensor: TensorLike, what: string): NdArray {
  if (tensor.dtype === 'string' || tensor.dtype === 'complex64') throw new TypeError(`${what}: a ${tensor.dtype} tensor holds no plain numbers`);
  return { data: tensor.dataSync() as ArrayLike<number>, shape: [...tensor.shape] };
}

/**
 * Reads nested arrays, `{ data, shape }` or a tensor as an NdArray; returns null for anything else.
 * Nested arrays must be rectangular and hold numbers (typed arrays may be the innermost level).
 */
export function toNdArray(input: unknown, what: string): NdArray | null {
  if (isTensorLike(input)) return tensorData(input, what);
  if (isShapedData(input)) return checkShaped(input, what);
  if (Array.isArray(input)) return flattenNested(input, what);
  return null;
}

function checkShaped(input: ShapedData, what: string): NdArray {
  const shape = [...input.shape];
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new TypeError(`${what}: shape must hold non-negative integers, got [${shape.join(', ')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== input.data.length) throw new TypeError(`${what}: shape [${shape.join(', ')}] needs ${size} values, data has ${input.data.length}`);
  return { data: input.data, shape };
}

function flattenNested(input: unknown[], what: string): NdArray {
  const shape: number[] = [];
  let probe: unknown = input;
  while (Array.isArray(probe) || isNumericArrayView(probe)) {
    const list = probe as ArrayLike<unknown>;
    shape.push(list.length);
    if (list.length === 0) break;
    probe = list[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let offset = 0;
  const walk = (node: unknown, depth: number, where: string): void => {
    const list = node as ArrayLike<unknown>;
    if (!(Array.isArray(node) || isNumericArrayView(node)) || list.length !== shape[depth]) {
      throw new TypeError(`${what}: nested arrays must be rectangular, of shape [${shape.join(', ')}]; ${where || 'the value'} is not`);
    }
    if (depth === shape.length - 1) {
      for (let i = 0; i < list.length; i += 1) {
        const value = list[i];
        if (typeof value !== 'number') throw new TypeError(`${what}: ${where}[${i}] must be a number, got ${value === null ? 'null' : typeof value}`);
        data[offset++] = value;
      }
      return;
    }
    for (let i = 0; i < list.length; i += 1) walk(list[i], depth + 1, `${where}[${i}]`);
  };
  if (size > 0) walk(input, 0, '');
  return { data, shape };
}
