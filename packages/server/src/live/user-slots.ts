/**
 * Live sockets per user: a socket takes one of its user's slots once its key is accepted and gives
 * it back when it closes, so that one key cannot hold sockets (and their watches) without bound.
 */

/** Slot counts by user id; a user with none held has no entry. */
export class UserSlots {
  private readonly held = new Map<number, number>();

  constructor(readonly perUser: number) {}

  /** Takes a slot for `userId`; false when the user already holds `perUser`. */
  acquire(userId: number): boolean {
    const count = this.held.get(userId) ?? 0;
    if (count >= this.perUser) return false;
    this.held.set(userId, count + 1);
    return true;
  }

  /** Gives back a slot `acquire` gave `userId`. */
  release(userId: number): void {
    const count = (this.held.get(userId) ?? 0) - 1;
    if (count > 0) this.held.set(userId, count);
    else this.held.delete(userId);
  }

  /** Slots `userId` holds (for tests and diagnostics). */
  count(userId: number): number {
    return this.held.get(userId) ?? 0;
  }
}
