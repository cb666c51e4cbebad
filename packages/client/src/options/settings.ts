/**
 * The `settings` option: W&B settings by camelCase or snake_case name. The few this runtime acts on
 * are checked; the rest are kept as given and stored with the run, except an API key, which is used
 * (`apiKey` / `api_key`) but never stored anywhere a run's data can be read.
 */
import { isDeepStrictEqual } from 'node:util';
import { checkApiKey, type ApiKey } from './api-key.js';
import { expectBoolean, isPlainObject, settingLabel } from './checks.js';
import { invalid, UsageError } from './errors.js';
import { checkBaseUrl, checkBufferBytes, secondsToMs, toConsoleMode, toReinitMode, toRunMode } from './fields.js';
import { toCamelCase, type GivenOption } from './spellings.js';
import type { ConsoleMode, ReinitMode, RunModeOption } from './types.js';

/** The settings this runtime acts on, checked; undefined when not given. */
export interface RecognisedSettings {
  silent?: boolean;
  strictSteps?: boolean;
  fallback?: boolean;
  initTimeoutMs?: number;
  maxBufferedBytes?: number;
  reinit?: ReinitMode;
  mode?: RunModeOption;
  baseUrl?: string;
  console?: ConsoleMode;
}

export interface NormalisedSettings {
  /** What is stored with the run: camelCase keys, values as given, no API key. */
  stored: Record<string, unknown>;
  recognised: RecognisedSettings;
  /** `apiKey` / `api_key`, checked; null when not given. Used for syncing, never stored. */
  apiKey: ApiKey | null;
}

// Matches apiKey, api_key and prefixed forms such as wandbApiKey, whatever the case.
const SECRET_KEY = /api_?key$/i;

/** Checks and normalises the `settings` option (absent → nothing). */
export function normaliseSettings(given: GivenOption | undefined): NormalisedSettings {
  if (given === undefined) return { stored: {}, recognised: {}, apiKey: null };
  if (!isPlainObject(given.value)) throw invalid(given.label, 'a plain object of W&B settings', given.value);
  const entries = camelCaseEntries(given.value);
  const stored: Record<string, unknown> = {};
  for (const [key, { value }] of entries) Object.defineProperty(stored, key, { value, enumerable: true, writable: true, configurable: true });
  return { stored, recognised: readRecognised(entries), apiKey: readApiKey(given.value) };
}

/** `apiKey` or `api_key` (both must agree); errors name the spelling, never the key. */
function readApiKey(settings: Record<string, unknown>): ApiKey | null {
  let found: { key: ApiKey; spelling: string } | null = null;
  for (const [spelling, value] of Object.entries(settings)) {
    if (toCamelCase(spelling) !== 'apiKey' || value === undefined || value === null) continue;
    const key = checkApiKey(value, settingLabel(spelling));
    if (found && !found.key.equals(key)) {
      throw new UsageError(`Conflicting values for one setting: ${settingLabel(found.spelling)} and ${settingLabel(spelling)} differ; give only one.`);
    }
    found ??= { key, spelling };
  }
  return found?.key ?? null;
}

interface SettingEntry {
  value: unknown;
  label: string;
}

/** camelCase key → value and the label in the caller's spelling, API keys left out; two spellings of one key must agree. */
function camelCaseEntries(settings: Record<string, unknown>): Map<string, SettingEntry> {
  const entries = new Map<string, SettingEntry>();
  for (const [key, value] of Object.entries(settings)) {
    const camel = toCamelCase(key);
    // Dropped before anything else, so no message or stored value can ever carry it.
    if (value === undefined || SECRET_KEY.test(camel)) continue;
    const earlier = entries.get(camel);
    if (earlier === undefined) entries.set(camel, { value, label: settingLabel(key) });
    else if (!isDeepStrictEqual(earlier.value, value)) {
      throw new UsageError(`Conflicting values for one setting: ${earlier.label} and ${settingLabel(key)} differ; give only one.`);
    }
  }
  return entries;
}

function readRecognised(entries: Map<string, SettingEntry>): RecognisedSettings {
  const read = <T>(key: string, check: (value: unknown, label: string) => T): T | undefined => {
    const entry = entries.get(key);
    return entry === undefined || entry.value === null ? undefined : check(entry.value, entry.label);
  };
  return {
    silent: read('silent', expectBoolean),
    strictSteps: read('strictSteps', expectBoolean),
    fallback: read('fallback', expectBoolean),
    initTimeoutMs: read('initTimeout', secondsToMs),
    maxBufferedBytes: read('maxBufferedBytes', checkBufferBytes),
    reinit: read('reinit', toReinitMode),
    mode: read('mode', toRunMode),
    baseUrl: read('baseUrl', checkBaseUrl),
    console: read('console', toConsoleMode),
  };
}
