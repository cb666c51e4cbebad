/** Rate limiting of refetches driven by the live socket. */

/** A throttled action: runs at once when idle, else once at the end of the current interval. */
export interface Throttled {
  call(): void;
  cancel(): void;
}

/**
 * Runs `fn` at most once per `ms`. A call inside the interval is not lost: one trailing run happens
 * when the interval ends, so the last change is always fetched. Time is monotonic
 * (`performance.now()`, injectable for tests) and a wait never exceeds `ms`, so a clock that jumps
 * backwards cannot hold the trailing run back.
 */
export function throttle(fn: () => void, ms: number, now: () => number = () => performance.now()): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = now();
    fn();
  };
  return {
    call() {
      if (timer) return;
      const t = now();
      // A clock that went back counts the interval from now: the wait is at most `ms`.
      if (last > t) last = t;
      const wait = last + ms - t;
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
