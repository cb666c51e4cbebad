/**
 * The accepted spellings of every init option, and the step that turns what the caller passed into one
 * value per canonical (camelCase) name: unknown keys are refused with the closest known name, and two
 * spellings of one option must agree.
 */
import { isDeepStrictEqual } from 'node:util';
import { invalid, UsageError } from './errors.js';
import { isPlainObject, optionLabel } from './checks.js';

/** Canonical name → every spelling accepted for it (W&B's snake_case, our camelCase, W&B's aliases). */
export const OPTION_SPELLINGS = {
  jobType: ['jobType', 'job_type'],
  dir: ['dir'],
  config: ['config'],
  project: ['project'],
  entity: ['entity'],
  reinit: ['reinit'],
  tags: ['tags'],
  group: ['group'],
  name: ['name'],
  notes: ['notes'],
  magic: ['magic'],
  configExcludeKeys: ['configExcludeKeys', 'config_exclude_keys'],
  configIncludeKeys: ['configIncludeKeys', 'config_include_keys'],
  anonymous: ['anonymous'],
  mode: ['mode'],
  allowValChange: ['allowValChange', 'allow_val_change'],
  resume: ['resume'],
  force: ['force'],
  syncTensorboard: ['syncTensorboard', 'sync_tensorboard', 'tensorboard'],
  monitorGym: ['monitorGym', 'monitor_gym'],
  saveCode: ['saveCode', 'save_code'],
  id: ['id'],
  settings: ['settings'],
} as const satisfies Record<string, readonly string[]>;

export type OptionName = keyof typeof OPTION_SPELLINGS;

/** One option as given: its value (never undefined or null) and a label in the caller's spelling. */
export interface GivenOption {
  value: unknown;
  label: string;
}

export type GivenOptions = Partial<Record<OptionName, GivenOption>>;

const CANONICAL_BY_SPELLING = new Map<string, OptionName>(
  (Object.entries(OPTION_SPELLINGS) as [OptionName, readonly string[]][]).flatMap(([name, spellings]) =>
    spellings.map((spelling) => [spelling, name] as const),
  ),
);

/** The options as one value per canonical name; undefined and null values count as not given. */
export function normaliseOptions(options: unknown): GivenOptions {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw invalid('init options', 'a plain object', options);
  const given: GivenOptions = {};
  for (const [key, value] of Object.entries(options)) {
    const name = CANONICAL_BY_SPELLING.get(key);
    if (name === undefined) throw unknownOption(key);
    if (value === undefined || value === null) continue;
    const earlier = given[name];
    if (earlier === undefined) given[name] = { value, label: optionLabel(key) };
    else if (!isDeepStrictEqual(earlier.value, value)) {
      throw new UsageError(`Conflicting values for one option: ${earlier.label} and ${optionLabel(key)} differ; give only one.`);
    }
  }
  return given;
}

/** snake_case → camelCase, keeping leading underscores (W&B's private settings such as `_disable_stats`). */
export function toCamelCase(key: string): string {
  return key.replace(/(?<=[A-Za-z0-9])_+([A-Za-z0-9])/g, (_match, char: string) => char.toUpperCase());
}

function unknownOption(key: string): UsageError {
  const suggestion = closestSpelling(key);
  const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
  return new UsageError(`Unknown init option '${key}'.${hint}`);
}

/**
 * The known spelling nearest to `key` (of init's options, or of `spellings`), ignoring case and
 * separators, when it is near enough to be a typo.
 */
export function closestSpelling(key: string, spellings: Iterable<string> = CANONICAL_BY_SPELLING.keys()): string | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');
  const target = squash(key);
  const limit = Math.max(1, Math.floor(target.length / 3));
  let best: { spelling: string; distance: number; raw: number } | undefined;
  for (const spelling of spellings) {
    const distance = editDistance(target, squash(spelling));
    // Ties (jobType / job_type) go to the spelling closest as typed, so snake_case users get snake_case.
    const raw = editDistance(key, spelling);
    if (distance <= limit && (!best || distance < best.distance || (distance === best.distance && raw < best.raw))) {
      best = { spelling, distance, raw };
    }
  }
  return best?.spelling;
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i += 1) d[i * width] = i;
  for (let j = 0; j <= b.length; j += 1) d[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * width + j] = value;
    }
  }
  return at(a.length, b.length);
}
