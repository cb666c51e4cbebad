/**
 * Keeps one media panel's failure to that panel: a value that breaks rendering (hostile or just
 * unexpected JSON from any client) shows an error in its frame instead of unmounting the run page.
 */
import { Component, type ComponentChildren } from 'preact';

interface BoundaryProps {
  mediaKey: string;
  children: ComponentChildren;
}

export class PanelBoundary extends Component<BoundaryProps, { error: string | null }> {
  override state = { error: null as string | null };

  static override getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div class="media-panel" data-media-key={this.props.mediaKey} data-state="error">
        <h4>{this.props.mediaKey}</h4>
        <p class="error" role="alert">
          This value cannot be shown: {this.state.error}
        </p>
      </div>
    );
  }
}
