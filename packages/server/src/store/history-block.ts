/**
 * Columnar blocks of one history key. Block `b` of a (run, key) holds the key's values on history
 * lines [b * BLOCK_LINES, (b + 1) * BLOCK_LINES), in line order, as typed arrays stored as BLOBs:
 *
 * - lines: Uint16 offsets of the lines in the block; omitted (NULL) when the lines are contiguous.
 * - steps: Float64 steps; omitted when step = min_step + (line - first_line), the common case.
 * - nums:  Float64 values, NaN and ±Infinity native; NaN where the value is not a number.
 * - extras: the non-numeric values, as JSON `{"<offset>": "<W&B JSON of the value>"}`.
 *
 * Typed arrays are stored little-endian (the byte order of every platform Node runs on here; see
 * assertLittleEndian). A block is rewritten whole when any of its lines changes: lines arrive
 * mostly in order, so a request usually rewrites only the last block of each key it touches.
 */
import { endianness } from 'node:os';
import { summarize } from './history-m4.js';
import { NULL_JSON, typeOfJson } from './history-values.js';

/** log2 of the lines per block. */
const BLOCK_SHIFT = 10;
/** History lines per block: a block holds one key's values for this many consecutive lines. */
export const BLOCK_LINES = 1 << BLOCK_SHIFT;

/** The block a line belongs to (line numbers may exceed 2^31: no bit shifts). */
export const blockOf = (lineNo: number): number => Math.floor(lineNo / BLOCK_LINES);

/** A block as stored: header columns, then the BLOB columns. */
export interface BlockRow {
  n: number;
  first_line: number;
  last_line: number;
  min_step: number;
  max_step: number;
  /** 1 when steps never decrease along the block's lines. */
  sorted: number;
  /** The block's M4 summary (history-m4.ts) over its numeric values. */
  summary: Buffer;
  lines: Buffer | null;
  steps: Buffer | null;
  nums: Buffer | null;
  extras: string | null;
}

/** A decoded block: n values in line order. */
export interface Block {
  /** Absolute line numbers. */
  lines: Float64Array;
  steps: Float64Array;
  /** NaN where the value is non-numeric (then `extras` has it by line offset). */
  nums: Float64Array;
  /** Line offset in the block → W&B JSON of a non-numeric value; null when there is none. */
  extras: Map<number, string> | null;
}

/**
 * Changes to one block, in order (a later change of a line wins): set line `lineNo` to (step,
 * value), where the value is a number or the W&B JSON of a non-numeric value, or remove the line's
 * value (null). Columnar, so that a request of thousands of values allocates no object per value.
 */
export class BlockEdits {
  readonly lineNos: number[] = [];
  readonly steps: number[] = [];
  readonly values: (number | string | null)[] = [];

  /** Records one change. */
  push(lineNo: number, step: number, value: number | string | null): void {
    this.lineNos.push(lineNo);
    this.steps.push(step);
    this.values.push(value);
  }
}

/** Refuses big-endian hosts: blocks written there would not read back elsewhere. */
export function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('wandb-server stores history blocks little-endian and does not run on big-endian hosts');
}

/** A typed-array view of a BLOB (copied when SQLite's buffer is not aligned for the type). */
export function blobView<T extends Float64Array | Uint16Array>(buf: Buffer, Type: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number }): T {
  const size = Type.BYTES_PER_ELEMENT;
  if (buf.byteOffset % size === 0) return new Type(buf.buffer as ArrayBuffer, buf.byteOffset, buf.length / size);
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return new Type(copy, 0, buf.length / size);
}

const bytes = (array: Float64Array | Uint16Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** The summary column as numbers. */
export const decodeSummary = (buf: Buffer): Float64Array => blobView(buf, Float64Array);

/**
 * Arrays of BLOCK_LINES numbers that a read decodes blocks into, one block after the other, so that
 * a scan of a long run allocates nothing per block beyond the BLOBs SQLite hands over.
 */
export interface BlockScratch {
  lines: Float64Array;
  steps: Float64Array;
  nums: Float64Array;
}

/** Scratch arrays for decodeBlock. */
export const newScratch = (): BlockScratch => ({ lines: new Float64Array(BLOCK_LINES), steps: new Float64Array(BLOCK_LINES), nums: new Float64Array(BLOCK_LINES) });

/** Decodes the line numbers and steps of a block (no values), into `scratch` when given. */
function decodeSteps(row: Pick<BlockRow, 'n' | 'first_line' | 'min_step' | 'lines' | 'steps'>, blockNo: number, scratch?: BlockScratch): { lines: Float64Array; steps: Float64Array } {
  const n = row.n;
  const lines = scratch ? scratch.lines.subarray(0, n) : new Float64Array(n);
  if (row.lines === null) {
    for (let i = 0; i < n; i += 1) lines[i] = row.first_line + i;
  } else {
    const offsets = blobView(row.lines, Uint16Array);
    const base = blockNo * BLOCK_LINES;
    for (let i = 0; i < n; i += 1) lines[i] = base + offsets[i]!;
  }
  if (row.steps !== null) return { lines, steps: blobView(row.steps, Float64Array) };
  const steps = scratch ? scratch.steps.subarray(0, n) : new Float64Array(n);
  for (let i = 0; i < n; i += 1) steps[i] = row.min_step + (lines[i]! - row.first_line);
  return { lines, steps };
}

/** Decodes the non-numeric values of a block. */
export function decodeExtras(extras: string | null): Map<number, string> | null {
  if (extras === null) return null;
  const map = new Map<number, string>();
  for (const [offset, json] of Object.entries(JSON.parse(extras) as Record<string, string>)) map.set(Number(offset), json);
  return map;
}

/** Decodes a whole block; into `scratch` when given (valid until the next decode into it). */
export function decodeBlock(row: BlockRow, blockNo: number, scratch?: BlockScratch): Block {
  const { lines, steps } = decodeSteps(row, blockNo, scratch);
  const nums = row.nums !== null ? blobView(row.nums, Float64Array) : (scratch ? scratch.nums.subarray(0, row.n) : new Float64Array(row.n)).fill(Number.NaN);
  return { lines, steps, nums, extras: decodeExtras(row.extras) };
}

/** What a block's values are: numbers, nulls, others, and the `_type` of its last typed value (by line). */
export interface BlockKinds {
  numbers: number;
  nulls: number;
  others: number;
  /** Null when no value is an object with a string `_type` (or when not asked for). */
  lastType: string | null;
}

/** The kinds of a block's values (of none for null); the last type only when `withType`. */
export function blockKinds(block: Pick<Block, 'lines' | 'extras'> | null, withType: boolean): BlockKinds {
  if (block === null) return { numbers: 0, nulls: 0, others: 0, lastType: null };
  const extras = block.extras;
  if (extras === null) return { numbers: block.lines.length, nulls: 0, others: 0, lastType: null };
  let nulls = 0;
  for (const json of extras.values()) if (json === NULL_JSON) nulls += 1;
  let lastType: string | null = null;
  // From the block's last line back: usually the last value is the typed one (media), one parse.
  for (let offset = BLOCK_LINES - 1; withType && offset >= 0 && lastType === null; offset -= 1) {
    const json = extras.get(offset);
    if (json !== undefined) lastType = typeOfJson(json);
  }
  return { numbers: block.lines.length - extras.size, nulls, others: extras.size - nulls, lastType };
}

/** Applies edits (in order: a later edit of a line wins) to a block; null when it ends up empty. */
export function applyEdits(block: Block | null, blockNo: number, edits: BlockEdits): Block | null {
  const base = blockNo * BLOCK_LINES;
  const present = new Uint8Array(BLOCK_LINES);
  const steps = new Float64Array(BLOCK_LINES);
  const nums = new Float64Array(BLOCK_LINES);
  const extras = new Map(block?.extras ?? []);
  if (block) {
    for (let i = 0; i < block.lines.length; i += 1) {
      const offset = block.lines[i]! - base;
      present[offset] = 1;
      steps[offset] = block.steps[i]!;
      nums[offset] = block.nums[i]!;
    }
  }
  for (let k = 0; k < edits.lineNos.length; k += 1) {
    const offset = edits.lineNos[k]! - base;
    const value = edits.values[k]!;
    if (extras.size > 0) extras.delete(offset);
    if (value === null) {
      present[offset] = 0;
      continue;
    }
    present[offset] = 1;
    steps[offset] = edits.steps[k]!;
    if (typeof value === 'number') {
      nums[offset] = value;
    } else {
      nums[offset] = Number.NaN;
      extras.set(offset, value);
    }
  }
  let n = 0;
  for (let offset = 0; offset < BLOCK_LINES; offset += 1) n += present[offset]!;
  if (n === 0) return null;
  const out: Block = { lines: new Float64Array(n), steps: new Float64Array(n), nums: new Float64Array(n), extras: extras.size > 0 ? extras : null };
  for (let offset = 0, i = 0; offset < BLOCK_LINES; offset += 1) {
    if (!present[offset]) continue;
    out.lines[i] = base + offset;
    out.steps[i] = steps[offset]!;
    out.nums[i] = nums[offset]!;
    i += 1;
  }
  return out;
}

/** Encodes a (non-empty) block for storage, with its header and M4 summary. */
export function encodeBlock(block: Block, blockNo: number): BlockRow {
  const { lines, steps, nums, extras } = block;
  const n = lines.length;
  const base = blockNo * BLOCK_LINES;
  let dense = true;
  let consecutive = true;
  let sorted = true;
  let minStep = steps[0]!;
  let maxStep = steps[0]!;
  for (let i = 1; i < n; i += 1) {
    const step = steps[i]!;
    if (lines[i] !== lines[0]! + i) dense = false;
    if (step !== steps[0]! + (lines[i]! - lines[0]!)) consecutive = false;
    if (step < steps[i - 1]!) sorted = false;
    if (step < minStep) minStep = step;
    if (step > maxStep) maxStep = step;
  }
  const numeric = (i: number) => extras === null || !extras.has(lines[i]! - base);
  let anyNumeric = false;
  for (let i = 0; i < n && !anyNumeric; i += 1) anyNumeric = numeric(i);
  return {
    n,
    first_line: lines[0]!,
    last_line: lines[n - 1]!,
    min_step: minStep,
    max_step: maxStep,
    sorted: sorted ? 1 : 0,
    summary: bytes(summarize(steps, nums, lines, numeric)),
    lines: dense ? null : bytes(Uint16Array.from(lines, (line) => line - base)),
    steps: consecutive ? null : bytes(steps),
    nums: anyNumeric ? bytes(nums) : null,
    extras: extras === null ? null : JSON.stringify(Object.fromEntries(extras)),
  };
}
