/** Small shared display pieces: the run state badge, tag chips, relative times. */
import { useEffect, useState } from 'preact/hooks';
import type { RunState } from '../api.js';
import { exactTime, relativeTime } from './format.js';

/** A run's state as a coloured badge (running pulses). */
export function StateBadge({ state }: { state: RunState }) {
  return (
    <span class={`badge state-${state}`} data-state={state}>
      {state}
    </span>
  );
}

/** Tags as chips; `onPick` makes them clickable (e.g. to filter by a tag). */
export function TagChips({ tags, onPick }: { tags: readonly string[]; onPick?: (tag: string) => void }) {
  return (
    <span class="chips">
      {tags.map((tag) =>
        onPick ? (
          <button type="button" class="chip" key={tag} title={`Filter by tag ${tag}`} onClick={() => onPick(tag)}>
            {tag}
          </button>
        ) : (
          <span class="chip" key={tag}>
            {tag}
          </span>
        ),
      )}
    </span>
  );
}

let tick = Date.now();
const tickListeners = new Set<(now: number) => void>();
let tickTimer: ReturnType<typeof setInterval> | null = null;

/** The current time, re-rendering every 15 s (one shared timer for every relative time shown). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    tickListeners.add(setNow);
    if (!tickTimer) {
      tickTimer = setInterval(() => {
        tick = Date.now();
        for (const listener of tickListeners) listener(tick);
      }, 15_000);
    }
    return () => {
      tickListeners.delete(setNow);
      if (tickListeners.size === 0 && tickTimer) {
        clearInterval(tickTimer);
        tickTimer = null;
      }
    };
  }, []);
  return now;
}

/** "3 min ago", with the exact time on hover. */
export function RelTime({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
