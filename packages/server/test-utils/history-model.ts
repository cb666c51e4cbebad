/** The model the history stores are checked against: seeded cases and a key's values from the raw lines. */
import { parseJsonObject, parseWandbJson } from '@wandb-daemon/protocol';
import { flattenRow, stepOf } from '../src/store/history-values.js';

/** A seeded PRNG (mulberry32): the same cases every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One stored value of a key: its step, line and value (numbers as numbers, others parsed). */
export interface RawValue {
  step: number;
  line: number;
  value: unknown;
}

/** Every stored value of `key` in the raw lines (nulls included), in (step, line) order. */
export function rawValues(lines: Map<number, string>, key: string): RawValue[] {
  const out: RawValue[] = [];
  for (const [lineNo, text] of lines) {
    const row = parseJsonObject(text);
    const leaf = row && flattenRow(row).find((v) => v.key === key);
    if (leaf) out.push({ step: stepOf(row, lineNo), line: lineNo, value: leaf.num ?? parseWandbJson(leaf.json!) });
  }
  return out.sort((a, b) => a.step - b.step || a.line - b.line);
}
