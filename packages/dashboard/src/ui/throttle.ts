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

/**
 * `throttle` for an async refetch: besides at most once per `ms`, at most one `task` at a time. A
 * call while it runs is not lost: the task runs once more after it (throttled), since the answer in
 * flight may miss what the call was about. `task` must not reject (it reports its own errors);
 * cancel() also drops the run a running task would have asked for.
 */
export function throttleTask(task: () => Promise<void>, ms: number, now?: () => number): Throttled {
  let running = false;
  let again = false;
  let cancelled = false;
  const throttled: Throttled = throttle(
    () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      void task().finally(() => {
        running = false;
        if (again && !cancelled) {
          again = false;
          throttled.call();
        }
      });
    },
    ms,
    now,
  );
  return {
    call: () => throttled.call(),
    cancel() {
      cancelled = true;
      throttled.cancel();
    },
  };
}
