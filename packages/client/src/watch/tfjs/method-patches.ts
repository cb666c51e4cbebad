/**
 * Replacing methods of objects we do not own (an optimizer class's prototype, the tfjs engine) so
 * that every replacement can be undone exactly: the original own property comes back, or the own
 * property we added is deleted so the inherited method shows through again.
 */

/** Runs around the original method: call `original.apply(self, args)` to continue. */
export type Around = (original: (...args: unknown[]) => unknown, self: unknown, args: unknown[]) => unknown;

interface Patch {
  target: object;
  key: string;
  /** The own property before we patched; undefined when the method was inherited. */
  before: PropertyDescriptor | undefined;
  wrapper: (...args: unknown[]) => unknown;
  active: boolean;
}

/** A set of method patches that is undone all at once. */
export class MethodPatches {
  private readonly patches: Patch[] = [];

  /** True when `target[key]` is already patched by this set. */
  has(target: object, key: string): boolean {
    return this.patches.some((patch) => patch.target === target && patch.key === key);
  }

  /** Routes calls of `target[key]` through `around`; a no-op when already patched or not a function. */
  patch(target: object, key: string, around: Around): void {
    if (this.has(target, key)) return;
    const original = (target as Record<string, unknown>)[key];
    if (typeof original !== 'function') return;
    const before = Object.getOwnPropertyDescriptor(target, key);
    const patch: Patch = { target, key, before, wrapper: () => undefined, active: true };
    patch.wrapper = function patched(this: unknown, ...args: unknown[]): unknown {
      const fn = original as (...a: unknown[]) => unknown;
      return patch.active ? around(fn, this, args) : fn.apply(this, args);
    };
    Object.defineProperty(target, key, { value: patch.wrapper, writable: true, configurable: true, enumerable: before?.enumerable ?? false });
    this.patches.push(patch);
  }

  /**
   * Undoes every patch, newest first. A patch someone else has wrapped since (their function now
   * holds ours) cannot be taken out without breaking theirs: it stays, passing calls straight through.
   */
  restoreAll(): void {
    for (const patch of this.patches.splice(0).reverse()) {
      patch.active = false;
      const current = Object.getOwnPropertyDescriptor(patch.target, patch.key);
      if (current?.value !== patch.wrapper) continue;
      if (patch.before) Object.defineProperty(patch.target, patch.key, patch.before);
      else delete (patch.target as Record<string, unknown>)[patch.key];
    }
  }
}
