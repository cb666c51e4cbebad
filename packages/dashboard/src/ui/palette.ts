/** Run colours of the compare view, by position (distinct on a light background). */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

/** The colour of the run at `index`. */
export const colorAt = (index: number): string => PALETTE[index % PALETTE.length]!;
