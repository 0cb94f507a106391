/** The extension's icons. */
import { LabIcon } from '@jupyterlab/ui-components';

/** A magnifier over a hexagon "indicator": the Extract panel's icon. */
const EXTRACT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M9.5 2.2 3.2 5.8v7.3l6.3 3.7 6.3-3.7V5.8L9.5 2.2zm0 2.3 4.3 2.5v5l-4.3 2.5-4.3-2.5V7l4.3-2.5z"/>
    <circle cx="9.5" cy="9.5" r="1.9"/>
    <path d="m14.6 14.2 1.4-1.4 6.3 6.3a1 1 0 0 1 0 1.4 1 1 0 0 1-1.4 0l-6.3-6.3z"/>
  </g>
</svg>`;

/** The Extract panel's icon. */
export const extractIcon = new LabIcon({ name: 'huntkit:extract', svgstr: EXTRACT_SVG });

/** A line with a spike: the Analyze panel's icon. */
const ANALYZE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="none" stroke="#616161" stroke-width="2" stroke-linejoin="round">
    <path d="M2 18h4l3-4 3 3 3-13 3 10h4"/>
  </g>
</svg>`;

/** The Analyze panel's icon. */
export const analyzeIcon = new LabIcon({ name: 'huntkit:analyze', svgstr: ANALYZE_SVG });

/** A document with lines and a play mark: the Queries panel's icon. */
const QUERIES_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h12v2H4zm0 4h12v2H4zm0 4h7v2H4zm0 4h7v2H4z"/>
    <path d="M14 12v10l8-5z"/>
  </g>
</svg>`;

/** The Queries panel's icon. */
export const queriesIcon = new LabIcon({ name: 'huntkit:queries', svgstr: QUERIES_SVG });

/** A shield with a check: the Lookup panel's icon. */
const LOOKUP_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3z"/>
  </g>
</svg>`;

/** The Lookup panel's icon. */
export const lookupIcon = new LabIcon({ name: 'huntkit:lookup', svgstr: LOOKUP_SVG });
