/**
 * The run page's media area: one panel per rich key (images, histograms, tables, video, audio,
 * HTML, 3D objects, model graphs), grouped into collapsible sections by key prefix like the charts
 * and filtered by the toolbar's key query. With many panels, a panel mounts when it first nears the
 * viewport, so a run with hundreds of media keys does not fetch them all at once.
 */
import type { ComponentChildren } from 'preact';
import type { RunPath } from '../api.js';
import { Lazy } from '../pages/chart-sections.js';
import { DEFAULT_SECTION } from '../pages/chart-keys.js';
import { Section } from '../ui/section.js';
import { mediaSections, type MediaEntry } from './media-keys.js';
import { isWide, MediaPanel } from './media-panel.js';

/** Above this many media panels on a page (keys × runs in the compare view), panels mount lazily. */
export const EAGER_LIMIT = 24;

/** The sections of the media area and the page's collapsed state. */
export interface MediaAreaProps {
  sections: readonly { name: string; entries: MediaEntry[] }[];
  collapsed: ReadonlySet<string>;
  onToggle: (key: string) => void;
  /** A section's content. */
  children: (entries: MediaEntry[]) => ComponentChildren;
}

/** `div[data-area=media]` with one collapsible section per key prefix (`data-section="media:<name>"`). */
export function MediaArea({ sections, collapsed, onToggle, children }: MediaAreaProps) {
  return (
    <div class="media-sections" data-area="media">
      {sections.map((s) => {
        const id = `media:${s.name}`;
        return (
          <Section key={s.name} title={s.name === DEFAULT_SECTION ? 'Media' : `Media · ${s.name}`} section={id} note={String(s.entries.length)} collapsed={collapsed.has(id)} onToggle={() => onToggle(id)}>
            {children(s.entries)}
          </Section>
        );
      })}
    </div>
  );
}

/** The run, its media keys and the page's shared state. */
export interface MediaSectionsProps {
  run: RunPath;
  entries: readonly MediaEntry[];
  /** The run's history version (ChartRun.version). */
  version: number;
  query: string;
  collapsed: ReadonlySet<string>;
  onToggle: (key: string) => void;
}

/** Every media panel of the run by section; nothing when there is none. */
export function MediaSections({ run, entries, version, query, collapsed, onToggle }: MediaSectionsProps) {
  if (entries.length === 0) return null;
  const sections = mediaSections(entries, query);
  const eager = entries.length <= EAGER_LIMIT;
  if (sections.length === 0) return <p class="empty">No media matches “{query}”.</p>;
  return (
    <MediaArea sections={sections} collapsed={collapsed} onToggle={onToggle}>
      {(shown) => (
        <div class="media-grid">
          {shown.map((entry) => (
            <Lazy key={entry.key} eager={eager} className={isWide(entry) ? 'media-cell wide' : 'media-cell'}>
              <MediaPanel run={run} entry={entry} version={version} />
            </Lazy>
          ))}
        </div>
      )}
    </MediaArea>
  );
}
