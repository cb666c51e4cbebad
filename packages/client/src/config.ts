/**
 * `run.config`: the run's hyperparameters, readable and writable as attributes or keys, as in W&B.
 * A change to an existing key must be asked for (`allowValChange`), because silently changing a
 * hyperparameter mid-run makes the run lie about how it was produced. Every change is sent to the
 * daemon as a `config` record.
 */
import { ConfigError } from './errors.js';
import { dictProxy } from './dict-proxy.js';
import { normalizeObject, type PlainObject } from './values.js';

export interface ConfigSink {
  (change: { set: PlainObject; remove: string[] }): void;
}

export interface ConfigUpdateOptions {
  allowValChange?: boolean;
  allow_val_change?: boolean;
}

/** The methods of `run.config`; every other property is a config key. */
export interface ConfigMethods {
  /** Merges `values` (top-level keys); changing a set key needs `allowValChange`. */
  update(values: PlainObject | Map<string, unknown>, options?: ConfigUpdateOptions): void;
  /** Sets the keys that are not set yet; returns the resulting config. */
  setdefaults(values: PlainObject): PlainObject;
  get<T = unknown>(key: string, fallback?: T): T | undefined;
  keys(): string[];
  items(): [string, unknown][];
  asDict(): PlainObject;
  toJSON(): PlainObject;
}

export type Config = ConfigMethods & Record<string, any>;


function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

export class ConfigStore {
  constructor(
    /** The values object itself is shared with the run's start info, so a reattach carries the latest config. */
    readonly values: PlainObject,
    private readonly allowValChangeByDefault: boolean,
    private readonly sink: ConfigSink,
  ) {}

  update(input: unknown, options: ConfigUpdateOptions = {}): void {
    const values = normalizeObject(input, 'config.update()');
    const allow = options.allowValChange ?? options.allow_val_change ?? this.allowValChangeByDefault;
    if (!allow) {
      for (const [key, value] of Object.entries(values)) {
        if (Object.hasOwn(this.values, key) && !sameValue(this.values[key], value)) {
          throw new ConfigError(
            `Attempted to change value of key "${key}" from ${show(this.values[key])} to ${show(value)}\n` +
              'If you really want to do this, pass allowValChange: true to config.update()',
          );
        }
      }
    }
    const changed: PlainObject = {};
    for (const [key, value] of Object.entries(values)) {
      if (Object.hasOwn(this.values, key) && sameValue(this.values[key], value)) continue;
      this.values[key] = value;
      changed[key] = value;
    }
    if (Object.keys(changed).length > 0) this.sink({ set: changed, remove: [] });
  }

  set(key: string, value: unknown): void {
    this.update({ [key]: value }); // update checks and copies it
  }

  delete(key: string): void {
    if (!Object.hasOwn(this.values, key)) return;
    delete this.values[key];
    this.sink({ set: {}, remove: [key] });
  }

  /** The proxy users see as `run.config`. */
  proxy(): Config {
    const methods: ConfigMethods = {
      update: (values, options) => this.update(values, options),
      setdefaults: (values) => {
        const missing = Object.fromEntries(Object.entries(normalizeObject(values, 'config.setdefaults()')).filter(([k]) => !Object.hasOwn(this.values, k)));
        this.update(missing);
        return { ...this.values };
      },
      get: <T>(key: string, fallback?: T) => (Object.hasOwn(this.values, key) ? (this.values[key] as T) : fallback),
      keys: () => Object.keys(this.values),
      items: () => Object.entries(this.values),
      asDict: () => structuredClone(this.values),
      toJSON: () => structuredClone(this.values),
    };
    return dictProxy({ values: this.values, methods, tag: 'Config', set: (key, value) => this.set(key, value), delete: (key) => this.delete(key) });
  }
}
