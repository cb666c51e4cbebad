/**
 * The object users see as `run.config` and `run.summary`: W&B's dict-like access in JavaScript.
 * Keys read, set and delete as properties (`config.lr = 0.1`, `delete summary.acc`, `'lr' in config`,
 * `Object.keys`, spread, JSON); the named methods win over keys of the same name, as in W&B.
 */
import type { PlainObject } from './values.js';

export interface DictBackend<M extends object> {
  /** The live values (read directly, so reads cost nothing). */
  values: PlainObject;
  methods: M;
  /** `Symbol.toStringTag`, for inspection. */
  tag: string;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export function dictProxy<M extends object>(backend: DictBackend<M>): M & Record<string, any> {
  const { values, methods, tag } = backend;
  const isMethod = (key: string): boolean => Object.hasOwn(methods, key);
  return new Proxy(methods as M & Record<string, any>, {
    get: (target, key) => {
      if (typeof key === 'symbol') return key === Symbol.toStringTag ? tag : undefined;
      return isMethod(key) ? target[key] : values[key];
    },
    set: (_target, key, value) => {
      if (typeof key === 'symbol' || isMethod(key)) {
        throw new TypeError(`${tag.toLowerCase()}.${String(key)} is a method and cannot be set; use ${tag.toLowerCase()}.update({ ${String(key)}: ... })`);
      }
      backend.set(key, value);
      return true;
    },
    deleteProperty: (_target, key) => {
      if (typeof key === 'string') backend.delete(key);
      return true;
    },
    has: (_target, key) => typeof key === 'string' && Object.hasOwn(values, key),
    ownKeys: () => Object.keys(values),
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && Object.hasOwn(values, key) ? { value: values[key], writable: true, enumerable: true, configurable: true } : undefined,
  });
}
