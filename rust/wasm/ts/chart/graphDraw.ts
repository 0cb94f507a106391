/**
 * The entity graph's drawing: colours and glyphs per entity kind, the
 * world-to-screen transform (fit, zoom about a point), hit-testing, and
 * painting nodes, edges and labels on a canvas. Positions come from the
 * worker's layout; this file only paints them. Labels go through
 * `fillText` (never HTML).
 */
import { ENTITY_KINDS } from '../contract.js';
import { PALETTE, isPlainColor, type ThemeColors } from './theme.js';

/** An entity kind of the core (`huntkit_core::entities::EntityKind`). */
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One short glyph per kind (a new kind in the core fails to build here until it has one). */
export const KIND_GLYPHS: Record<EntityKind, string> = {
  Account: 'A',
  Host: 'H',
  IpAddress: 'IP',
  Dns: 'D',
  Url: 'U',
  File: 'F',
  FileHash: '#',
  Process: 'P',
  Mailbox: 'M',
  MailMessage: '@',
  CloudApplication: 'C',
  AzureResource: 'Az',
  RegistryKey: 'R',
  RegistryValue: 'Rv',
  NetworkConnection: '↔',
  Alert: '!',
  Incident: 'I',
  Note: 'N',
  Unknown: '•'
};

/** The glyph of any other kind. */
export const GENERIC_GLYPH = '•';

function known(kind: string): kind is EntityKind {
  return (ENTITY_KINDS as readonly string[]).includes(kind);
}

/** A node's glyph. */
export function glyphOf(kind: string): string {
  return known(kind) ? KIND_GLYPHS[kind] : GENERIC_GLYPH;
}

/**
 * A node's fill: the bundle's colour for the kind when it is a plain CSS
 * colour (see `isPlainColor`), else the palette's colour of a known kind,
 * else (`Unknown` or a kind the core does not know) the theme's muted colour.
 */
export function colorOf(
  kind: string,
  own: Readonly<Record<string, string>> | null | undefined,
  theme: ThemeColors
): string {
  const given = own?.[kind];
  if (given && isPlainColor(given)) {
    return given.trim();
  }
  const i = (ENTITY_KINDS as readonly string[]).indexOf(kind);
  return i >= 0 && kind !== 'Unknown' ? PALETTE[i % PALETTE.length] : theme.muted;
}

/** World (layout units) to screen (CSS pixels): `screen = world × scale + offset`. */
export interface Transform {
  scale: number;
  x: number;
  y: number;
}

/** The transform that fits `positions` (`x, y` pairs) in a `width` × `height` box with a margin. */
export function fitTransform(
  positions: ArrayLike<number>,
  width: number,
  height: number,
  margin = 24
): Transform {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 1 < positions.length; i += 2) {
    x0 = Math.min(x0, positions[i]);
    x1 = Math.max(x1, positions[i]);
    y0 = Math.min(y0, positions[i + 1]);
    y1 = Math.max(y1, positions[i + 1]);
  }
  if (!Number.isFinite(x0)) {
    return { scale: 1, x: width / 2, y: height / 2 };
  }
  const w = Math.max(x1 - x0, 1e-9);
  const h = Math.max(y1 - y0, 1e-9);
  const scale = Math.min(
    Math.max(1, width - 2 * margin) / w,
    Math.max(1, height - 2 * margin) / h,
    40
  );
  return {
    scale,
    x: width / 2 - ((x0 + x1) / 2) * scale,
    y: height / 2 - ((y0 + y1) / 2) * scale
  };
}

/** Zooms by `factor` keeping the screen point `(px, py)` still (scale kept within bounds). */
export function zoomAt(t: Transform, factor: number, px: number, py: number): Transform {
  const scale = Math.min(1e4, Math.max(1e-4, t.scale * factor));
  const k = scale / t.scale;
  return { scale, x: px - (px - t.x) * k, y: py - (py - t.y) * k };
}

/** A node's radius on screen: half its size at rest, never under 3 px or over 18 px. */
export function nodeRadius(t: Transform, nodeSize: number): number {
  return Math.min(18, Math.max(3, (nodeSize / 2) * t.scale));
}

/** The slot of the node under screen point `(px, py)` (the nearest within its radius + 2 px), or -1. */
export function hitNode(
  positions: ArrayLike<number>,
  t: Transform,
  radius: number,
  px: number,
  py: number
): number {
  let best = -1;
  let bestD = (radius + 2) * (radius + 2);
  for (let i = 0; i + 1 < positions.length; i += 2) {
    const dx = positions[i] * t.scale + t.x - px;
    const dy = positions[i + 1] * t.scale + t.y - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      best = i / 2;
      bestD = d;
    }
  }
  return best;
}

/** Cuts a label to `max` characters with an ellipsis. */
export function shortLabel(text: string, max = 24): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** What one frame paints. */
export interface GraphPicture {
  positions: ArrayLike<number>;
  edges: ArrayLike<number>;
  kinds: string[];
  names: string[];
  /** Nodes with links not shown (drawn with a dashed ring). */
  hidden: number[];
  selected: ReadonlySet<number>;
  hovered: number;
  colors: Readonly<Record<string, string>> | null;
  nodeSize: number;
}

/** Paints edges, then nodes with their glyphs, then labels where there is room. */
export function drawGraph(
  ctx: CanvasRenderingContext2D,
  pic: GraphPicture,
  t: Transform,
  theme: ThemeColors,
  width: number,
  height: number
): void {
  ctx.clearRect(0, 0, width, height);
  const r = nodeRadius(t, pic.nodeSize);
  const sx = (i: number): number => pic.positions[i * 2] * t.scale + t.x;
  const sy = (i: number): number => pic.positions[i * 2 + 1] * t.scale + t.y;
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let e = 0; e + 1 < pic.edges.length; e += 2) {
    ctx.moveTo(sx(pic.edges[e]), sy(pic.edges[e]));
    ctx.lineTo(sx(pic.edges[e + 1]), sy(pic.edges[e + 1]));
  }
  ctx.stroke();
  const n = pic.positions.length / 2;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let i = 0; i < n; i++) {
    const x = sx(i);
    const y = sy(i);
    if (x < -r || y < -r || x > width + r || y > height + r) {
      continue;
    }
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = colorOf(pic.kinds[i], pic.colors, theme);
    ctx.fill();
    if (pic.selected.has(i) || pic.hovered === i) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = theme.accent;
      ctx.stroke();
    }
    if (pic.hidden[i] > 0) {
      ctx.setLineDash([2, 2]);
      ctx.lineWidth = 1;
      ctx.strokeStyle = theme.text;
      ctx.beginPath();
      ctx.arc(x, y, r + 3, 0, Math.PI * 2);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (r >= 7) {
      ctx.fillStyle = '#ffffff';
      ctx.font = `${Math.round(r)}px sans-serif`;
      ctx.fillText(glyphOf(pic.kinds[i]), x, y);
    }
  }
  ctx.fillStyle = theme.text;
  ctx.font = '11px sans-serif';
  ctx.textBaseline = 'top';
  for (let i = 0; i < n; i++) {
    if (r >= 6 || pic.selected.has(i) || pic.hovered === i) {
      ctx.fillText(shortLabel(pic.names[i]), sx(i), sy(i) + r + 2);
    }
  }
}
