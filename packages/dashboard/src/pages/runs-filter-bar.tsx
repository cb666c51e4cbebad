/** The runs table's filters: free text, states, tags and config conditions (`lr > 0.001`). */
import { useMemo, useState } from 'preact/hooks';
import { allTags, conditionLabel, parseCondition, STATES, type RunFilter, type RunRow } from './runs-query.js';

/** The rows (for tags and state counts), the keys and the filter being edited. */
export interface RunsFilterBarProps {
  rows: readonly RunRow[];
  /** config.* and summary.* keys, for the condition input's suggestions. */
  keys: readonly string[];
  filter: RunFilter;
  onChange: (filter: RunFilter) => void;
}

/** The filter controls above the runs table, with the active filters as removable chips. */
export function RunsFilterBar({ rows, keys, filter, onChange }: RunsFilterBarProps) {
  const [condition, setCondition] = useState('');
  const [conditionError, setConditionError] = useState<string | null>(null);
  const tags = useMemo(() => allTags(rows), [rows]);
  const stateCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.run.state, (counts.get(r.run.state) ?? 0) + 1);
    return counts;
  }, [rows]);
  const suggestions = useMemo(() => keys.map((k) => (k.startsWith('config.') ? k.slice('config.'.length) : k)), [keys]);

  const addCondition = (event: Event) => {
    event.preventDefault();
    if (condition.trim() === '') return;
    const parsed = parseCondition(condition);
    if (!parsed) {
      setConditionError('Write key, comparison, value: lr > 0.001, optimizer = adam, model ~ res');
      return;
    }
    setConditionError(null);
    setCondition('');
    onChange({ ...filter, conditions: [...filter.conditions, parsed] });
  };

  const toggleState = (state: (typeof STATES)[number]) =>
    onChange({ ...filter, states: filter.states.includes(state) ? filter.states.filter((s) => s !== state) : [...filter.states, state] });

  const active = filter.text !== '' || filter.tags.length > 0 || filter.states.length > 0 || filter.conditions.length > 0;

  return (
    <div class="filter-bar">
      <input
        class="search"
        type="search"
        placeholder="Filter by name, id, tag, group, job type…"
        aria-label="Filter runs"
        data-filter="text"
        value={filter.text}
        onInput={(e) => onChange({ ...filter, text: e.currentTarget.value })}
      />
      <div class="state-filter" role="group" aria-label="Filter by state">
        {STATES.map((s) => (
          <button type="button" key={s} class={`state-toggle state-${s}${filter.states.includes(s) ? ' on' : ''}`} aria-pressed={filter.states.includes(s)} data-filter-state={s} onClick={() => toggleState(s)}>
            {s} <span class="count">{stateCounts.get(s) ?? 0}</span>
          </button>
        ))}
      </div>
      <select
        aria-label="Filter by tag"
        data-filter="tag"
        value=""
        disabled={tags.length === 0}
        onChange={(e) => {
          const tag = e.currentTarget.value;
          if (tag && !filter.tags.includes(tag)) onChange({ ...filter, tags: [...filter.tags, tag] });
          e.currentTarget.value = '';
        }}
      >
        <option value="">{tags.length === 0 ? 'No tags' : 'Tag…'}</option>
        {tags.map((t) => (
          <option key={t} value={t} disabled={filter.tags.includes(t)}>
            {t}
          </option>
        ))}
      </select>
      <form class="condition-form" onSubmit={addCondition}>
        <input
          type="text"
          list="run-value-keys"
          placeholder="Config filter: lr > 0.001"
          aria-label="Config filter"
          data-filter="config"
          value={condition}
          onInput={(e) => setCondition(e.currentTarget.value)}
        />
        <datalist id="run-value-keys">
          {suggestions.slice(0, 500).map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <button type="submit" class="btn">
          Add
        </button>
      </form>
      {conditionError ? <span class="alert inline">{conditionError}</span> : null}
      {active ? (
        <div class="active-filters">
          {filter.tags.map((t) => (
            <span class="chip removable" key={`tag:${t}`} data-active-filter="tag">
              tag: {t}
              <button type="button" aria-label={`Remove tag filter ${t}`} onClick={() => onChange({ ...filter, tags: filter.tags.filter((x) => x !== t) })}>
                ×
              </button>
            </span>
          ))}
          {filter.conditions.map((c, i) => (
            <span class="chip removable" key={`c:${i}`} data-active-filter="config">
              {conditionLabel(c)}
              <button type="button" aria-label={`Remove filter ${conditionLabel(c)}`} onClick={() => onChange({ ...filter, conditions: filter.conditions.filter((_, j) => j !== i) })}>
                ×
              </button>
            </span>
          ))}
          <button type="button" class="link" onClick={() => onChange({ text: '', tags: [], states: [], conditions: [] })}>
            Clear filters
          </button>
        </div>
      ) : null}
    </div>
  );
}
