/**
 * A run's console output: every line, loaded in pages then tailed live, windowed (fixed line height)
 * so long logs stay fast. stderr lines are marked. The view follows new lines only while the user is
 * at the bottom; scrolling up to read stops the following.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchOutput, type OutputLine, type RunPath } from '../api.js';
import { watchLive } from '../live.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { useRowWindow } from '../ui/virtual.js';
import { LineTail } from './line-tail.js';
import { RunChangeTracker } from './run-change-tracker.js';

const LINE_HEIGHT = 18;

// Terminal colour and cursor sequences (tqdm, rich...) shown as text would be noise.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Every output line of a run, tailed live. */
function useOutput(path: RunPath) {
  const [lines, setLines] = useState<readonly OutputLine[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const tail = new LineTail<OutputLine>(
      (from, limit) => fetchOutput(path, from, limit),
      setLines,
      (e) => !handleUnauthorized(e) && setError(errorMessage(e)),
    );
    void tail.poll().then(() => setLoaded(true));
    // Only new console lines (or a resync after a reconnect) are worth a request.
    const tracker = new RunChangeTracker();
    const unwatch = watchLive(path, (change) => {
      if (tracker.next(change).log) void tail.poll();
    });
    return () => {
      tail.stop();
      unwatch();
    };
  }, [path]);
  return { lines, loaded, error };
}

/** The console panel of a run: search, stderr-only filter and the windowed lines. */
export function ConsolePanel({ path }: { path: RunPath }) {
  const { lines, loaded, error } = useOutput(path);
  const [query, setQuery] = useState('');
  const [stderrOnly, setStderrOnly] = useState(false);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q && !stderrOnly) return lines;
    return lines.filter((l) => (!stderrOnly || l.stream === 'stderr') && (!q || l.text.toLowerCase().includes(q)));
  }, [lines, query, stderrOnly]);
  const { rows, containerRef, container } = useRowWindow(shown.length, LINE_HEIGHT, 30);
  const atBottom = useRef(true);

  useEffect(() => {
    if (!container) return;
    const onScroll = () => {
      atBottom.current = container.scrollTop + container.clientHeight >= container.scrollHeight - LINE_HEIGHT;
    };
    container.addEventListener('scroll', onScroll, { passive: true });
    return () => container.removeEventListener('scroll', onScroll);
  }, [container]);

  // After new lines render: follow them if the user was at the bottom before they came.
  useLayoutEffect(() => {
    if (container && atBottom.current) container.scrollTop = container.scrollHeight;
  }, [shown.length, container]);

  const stderrCount = useMemo(() => lines.reduce((n, l) => n + (l.stream === 'stderr' ? 1 : 0), 0), [lines]);

  return (
    <div class="console">
      <div class="console-tools">
        <input class="search" type="search" placeholder="Search output…" aria-label="Search output" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <label class="tool">
          <input type="checkbox" checked={stderrOnly} onChange={(e) => setStderrOnly(e.currentTarget.checked)} />
          <span>stderr only ({stderrCount})</span>
        </label>
        <span class="muted">{loaded ? `${lines.length} lines` : 'Loading…'}</span>
        {error ? <span class="alert inline">{error}</span> : null}
      </div>
      <div class="console-scroll" ref={containerRef} data-console="" tabIndex={0}>
        <div style={{ height: `${rows.padTop}px` }} />
        {shown.slice(rows.start, rows.end).map((line) => (
          <div key={line.lineNo} class={`console-line${line.stream === 'stderr' ? ' stderr' : ''}`} data-stream={line.stream} data-line-no={line.lineNo} style={{ height: `${LINE_HEIGHT}px` }}>
            <span class="ln">{line.lineNo + 1}</span>
            <span class="stream-mark">{line.stream === 'stderr' ? 'err' : ''}</span>
            <span class="text">{line.text.replace(ANSI, '')}</span>
          </div>
        ))}
        <div style={{ height: `${rows.padBottom}px` }} />
        {loaded && lines.length === 0 ? <p class="empty">No console output.</p> : null}
      </div>
    </div>
  );
}
