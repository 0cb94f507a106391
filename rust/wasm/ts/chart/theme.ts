/**
 * Colours: a categorical palette for series, and the host's text, grid and
 * background colours read from CSS (JupyterLab's `--jp-*` or VS Code's
 * `--vscode-*` variables, through `chart.css`), so light and dark themes
 * both work without the chart knowing which host it is in.
 */

/** Ten distinguishable hues that read on light and dark backgrounds. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac'
];

/** Colours taken from the host's theme. */
export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  background: string;
  accent: string;
}

/** Reads the theme from the computed style of `node` (see `chart.css`). */
export function readTheme(node: HTMLElement): ThemeColors {
  const view = node.ownerDocument.defaultView;
  const style = view?.getComputedStyle(node);
  const prop = (name: string, fallback: string): string =>
    style?.getPropertyValue(name).trim() || fallback;
  return {
    text: prop('--hk-text', '#222222'),
    muted: prop('--hk-muted', '#666666'),
    grid: prop('--hk-grid', '#d0d0d0'),
    background: prop('--hk-background', '#ffffff'),
    accent: prop('--hk-accent', '#1976d2')
  };
}

/**
 * A data set's own colour comes from the bundle, that is from data: it is
 * used only when it is a plain CSS colour (`#rgb`…`#rrggbbaa`, a name,
 * `rgb()`/`rgba()`/`hsl()`/`hsla()` of numbers). Anything else — `url(…)`
 * (an SVG `fill` would fetch it when the exported chart is opened),
 * `var(…)`, `expression(…)`, a `;` — is ignored for the palette's colour.
 */
const PLAIN_COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,30}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/+-]{1,60}\))$/i;

/** Whether `color` is a plain CSS colour a data set may ask for (see `PLAIN_COLOR`). */
export function isPlainColor(color: string): boolean {
  return PLAIN_COLOR.test(color.trim());
}

/** The colour of series `i`, or the data set's own colour if it has a plain one. */
export function seriesColor(i: number, own?: string | null): string {
  return own && isPlainColor(own) ? own.trim() : PALETTE[i % PALETTE.length];
}

/** The colour of a muted series (cluster_scatter's noise): a grey that reads on both themes. */
export const MUTED_SERIES_COLOR = '#9e9e9e';
