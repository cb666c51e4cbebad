/** Rate limiting of refetches driven by the live socket. */

/** A throttled action: runs at once when idle, else once at the end of the current interval. */
export interface Throttled {
  call(): void;
  cancel(): void;
}

/**
 * Runs `fn` at most once per `ms`. A call inside the interval is not lost: one trailing run happens
 * when the interval ends, so the last change is always fetched.
 */
export function throttle(fn: () => void, ms: number): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  return {
    call() {
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
