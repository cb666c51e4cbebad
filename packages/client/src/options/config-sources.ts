/**
 * The run's initial config, merged from W&B's sources in W&B's order (later wins, per top-level key):
 * `config-defaults.yaml` in the working directory, the files named in WANDB_CONFIG_PATHS, then the
 * `config` option; then narrowed by the include or exclude keys. YAML is parsed by the `yaml` package,
 * imported only when a file is read so that importing the client never loads it.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setOwn } from '@wandb-daemon/protocol/plain-object';
import { isPlainObject } from './checks.js';
import { describeValue, invalid, UsageError } from './errors.js';
import type { GivenOption } from './spellings.js';

/** The file W&B reads from the working directory, when present, before any other config. */
export const CONFIG_DEFAULTS_FILE = 'config-defaults.yaml';

const CONFIG_EXPECTED = 'a plain object, a YAML file path, a Map with string keys, or parsed arguments (commander, yargs, util.parseArgs)';

/** Where the config comes from. `include` and `exclude` are never both non-empty (checked by the caller). */
export interface ConfigSources {
  option: GivenOption | undefined;
  configPaths: readonly string[];
  include: readonly string[];
  exclude: readonly string[];
  cwd: string;
}

/** The merged, filtered config. Leaf values are passed through unchecked. */
export async function resolveConfig(sources: ConfigSources): Promise<Record<string, unknown>> {
  const { option, configPaths, include, exclude, cwd } = sources;
  const merged: Record<string, unknown> = {};
  assignKeys(merged, await readYamlConfig(join(cwd, CONFIG_DEFAULTS_FILE), CONFIG_DEFAULTS_FILE, true));
  for (const path of configPaths) {
    assignKeys(merged, await readYamlConfig(resolve(cwd, path), `${JSON.stringify(path)} from WANDB_CONFIG_PATHS`, false));
  }
  if (option !== undefined) assignKeys(merged, await configFromOption(option, cwd));
  return filterKeys(merged, include, exclude);
}

/** The `config` option as a plain record, whichever of the accepted shapes it has. */
async function configFromOption({ value, label }: GivenOption, cwd: string): Promise<Record<string, unknown>> {
  if (typeof value === 'string') return readYamlConfig(resolve(cwd, value), `${label} (${JSON.stringify(value)})`, false);
  if (value instanceof Map) return fromMap(value, label);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(label, CONFIG_EXPECTED, value);
  const opts = (value as { opts?: unknown }).opts;
  if (typeof opts === 'function') {
    const parsed: unknown = opts.call(value);
    if (!isPlainObject(parsed)) throw invalid(`${label} (the result of its opts())`, 'a plain object', parsed);
    return copyKeys(parsed);
  }
  if (!isPlainObject(value)) throw invalid(label, CONFIG_EXPECTED, value);
  if (isParseArgsResult(value)) return copyKeys(value.values);
  if (isYargsArgv(value)) return copyKeys(value, ['_', '$0']);
  return copyKeys(value);
}

/** Node's util.parseArgs result: `values` and `positionals` (and `tokens` when asked for), nothing else. */
function isParseArgsResult(value: Record<string, unknown>): value is { values: Record<string, unknown> } {
  const keys = Object.keys(value);
  const allowed = ['values', 'positionals', 'tokens'];
  return 'values' in value && Array.isArray(value.positionals) && isPlainObject(value.values) && keys.every((key) => allowed.includes(key));
}

/** A yargs argv: its positional arguments in `_` and the script name in `$0`, which are not config. */
function isYargsArgv(value: Record<string, unknown>): boolean {
  return Array.isArray(value._) && '$0' in value;
}

function fromMap(map: Map<unknown, unknown>, label: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of map) {
    if (typeof key !== 'string') throw new UsageError(`Invalid ${label}: a Map config must have string keys, received a key of ${describeValue(key)}.`);
    setOwn(out, key, item);
  }
  return out;
}

/**
 * Reads a YAML config file. W&B's own format (`key: {value: x, desc: ...}`, as in a run's config.yaml)
 * is unwrapped to `key: x`; plain `key: x` files are taken as they are. A missing file is an error,
 * except for config-defaults.yaml, which is optional.
 */
async function readYamlConfig(path: string, source: string, optional: boolean): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return {};
    const reason = code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new UsageError(`Cannot read config file ${path} (${source}): ${reason}.`);
  }
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    const firstLine = (error as Error).message.split('\n', 1)[0] ?? '';
    throw new UsageError(`Config file ${path} (${source}) is not valid YAML: ${firstLine}`);
  }
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) throw new UsageError(`Config file ${path} (${source}) must hold a mapping of config keys, but holds ${describeValue(data)}.`);
  return unwrapWandbFormat(data);
}

/**
 * Drops W&B's file header `wandb_version` and the `_wandb` block of internal run metadata (present in
 * a run's saved config.yaml: loading that file into a new run must not copy another run's metadata),
 * and unwraps `{value, desc}` entries.
 */
function unwrapWandbFormat(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'wandb_version' || key === '_wandb') continue;
    setOwn(out, key, isValueDesc(value) ? value.value : value);
  }
  return out;
}

function isValueDesc(value: unknown): value is { value: unknown } {
  return isPlainObject(value) && 'value' in value && Object.keys(value).every((key) => key === 'value' || key === 'desc');
}

function filterKeys(config: Record<string, unknown>, include: readonly string[], exclude: readonly string[]): Record<string, unknown> {
  if (include.length === 0 && exclude.length === 0) return config;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (include.length > 0 ? include.includes(key) : !exclude.includes(key)) setOwn(out, key, value);
  }
  return out;
}

function copyKeys(source: Record<string, unknown>, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (!skip.includes(key)) setOwn(out, key, value);
  return out;
}

function assignKeys(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) setOwn(target, key, value);
}
