/** True for `{...}` literals and null-prototype objects; false for arrays, typed arrays, dates, maps and other class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sets own property `key` of `target` as plain data. Keys from users' values may be "__proto__" (JSON.parse
 * keeps it as an ordinary key), and `target[key] = value` would then set target's prototype instead.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
