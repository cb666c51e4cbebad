/** A collapsible page section (charts, tables, console...). */
import type { ComponentChildren } from 'preact';

/** Title, hooks, collapsed state and content of a section. */
export interface SectionProps {
  title: string;
  /** The `data-section` hook (chart sections). */
  section?: string;
  /** The `data-panel` hook (tables, console, files). */
  panel?: string;
  /** A count or note shown after the title. */
  note?: string;
  collapsed: boolean;
  onToggle: () => void;
  /** Controls shown at the right of the title bar (never toggling the section). */
  actions?: ComponentChildren;
  children: ComponentChildren;
  id?: string;
}

/** A section whose title bar toggles it; a collapsed section renders no content. */
export function Section({ title, section, panel, note, collapsed, onToggle, actions, children, id }: SectionProps) {
  return (
    <section class={`section${collapsed ? ' collapsed' : ''}`} data-section={section} data-panel={panel} id={id}>
      <div class="section-head">
        <button type="button" class="section-toggle" aria-expanded={!collapsed} onClick={onToggle}>
          <span class="caret" aria-hidden="true">
            {collapsed ? '▸' : '▾'}
          </span>
          <span class="section-title">{title}</span>
          {note ? <span class="section-note">{note}</span> : null}
        </button>
        {actions ? <div class="section-actions">{actions}</div> : null}
      </div>
      {collapsed ? null : <div class="section-body">{children}</div>}
    </section>
  );
}
