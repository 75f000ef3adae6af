// A small SVG chart kit: linear and log scales, nice ticks, axes, lines, steps, dots, bars with
// whiskers, shaded bands and vertical markers. Pure: a spec in, an SVG string out. Every series is
// a <g data-series=… data-points=…> whose marks the browser tests count.
import { escapeHtml as esc } from './escape.js';

export interface Axis {
  label: string;
  log?: boolean;
  min?: number;
  max?: number;
  /** Fixed ticks (categorical axes, percentiles); otherwise nice ones. */
  ticks?: { value: number; label: string }[];
  format?: (v: number) => string;
}

export interface Point {
  x: number;
  y: number;
  /** Tooltip. */
  title?: string;
  shape?: 'circle' | 'square';
  /** Whiskers (bars): the spread. */
  lo?: number;
  hi?: number;
}

export interface Series {
  name: string;
  color: string;
  kind: 'line' | 'dots' | 'bars' | 'ticks';
  points: Point[];
  dashed?: boolean;
  /** Legend entry (default true). */
  legend?: boolean;
  /** Bars: this series' slot among the grouped bars at each x, and how many there are. */
  group?: { index: number; of: number };
  /** Bars: the width of a bar's slot in x units (default 1: categories). */
  slot?: number;
}

export interface Band {
  from: number;
  to: number;
  kind: 'inflight' | 'stall' | 'window';
  label: string;
}

export interface Marker {
  x: number;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  caption?: string;
  x: Axis;
  y: Axis;
  series: Series[];
  bands?: Band[];
  markers?: Marker[];
  width?: number;
  height?: number;
  /** Room for long y tick labels (swimlanes). */
  left?: number;
}

interface Scale {
  (v: number): number;
  ticks: { value: number; label: string }[];
}

const fmtNumber = (v: number) => {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 100 || Number.isInteger(v)) return v.toFixed(0);
  if (a >= 1) return `${+v.toFixed(1)}`;
  return `${+v.toPrecision(2)}`;
};

/** Nice linear ticks (1, 2, 5 × 10^k steps), about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toFixed(12));
  return out;
}

/** Log ticks at 1, 2, 5 × 10^k inside [min, max] (only powers of ten when the range is wide). */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  const decades = Math.log10(max / min);
  const mults = decades > 4 ? [1] : decades > 2 ? [1, 3] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(+v.toPrecision(6));
    }
  }
  return out;
}

function extent(values: number[], axis: Axis): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  let lo = axis.min ?? (finite.length ? Math.min(...finite) : 0);
  let hi = axis.max ?? (finite.length ? Math.max(...finite) : 1);
  if (axis.log) {
    lo = Math.max(lo, 1e-3);
    if (hi <= lo) hi = lo * 10;
    if (axis.min === undefined) lo = 10 ** Math.floor(Math.log10(lo));
    if (axis.max === undefined) hi = 10 ** Math.ceil(Math.log10(hi) - 1e-9);
    if (hi <= lo) hi = lo * 10;
  } else if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}

function scale(values: number[], axis: Axis, from: number, to: number, nice: boolean): Scale {
  let [lo, hi] = extent(values, axis);
  if (!axis.log && nice && axis.max === undefined) {
    const t = niceTicks(lo, hi);
    const step = t.length > 1 ? t[1]! - t[0]! : 1;
    if (t[t.length - 1]! < hi) hi = t[t.length - 1]! + step;
    else hi = t[t.length - 1]!;
  }
  const f = axis.log
    ? (v: number) => from + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (to - from)
    : (v: number) => from + ((v - lo) / (hi - lo)) * (to - from);
  const fmt = axis.format ?? fmtNumber;
  const ticks = axis.ticks ?? (axis.log ? logTicks(lo, hi) : niceTicks(lo, hi)).map((value) => ({ value, label: fmt(value) }));
  return Object.assign(f, { ticks });
}

const n1 = (x: number) => (Math.round(x * 10) / 10).toString();

function dashAttr(s: Series): string {
  return s.dashed ? ' stroke-dasharray="5 4"' : '';
}

function title(t: string | undefined): string {
  return t ? `<title>${esc(t)}</title>` : '';
}

function seriesSvg(s: Series, x: Scale, y: Scale, barSlot: number): string {
  const attrs = `class="series" data-series="${esc(s.name)}" data-kind="${s.kind}" data-points="${s.points.length}"`;
  const color = esc(s.color);
  if (s.kind === 'line') {
    const pts = s.points.map((p) => `${n1(x(p.x))},${n1(y(p.y))}`);
    return `<g ${attrs}><polyline fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"${dashAttr(s)} points="${pts.join(' ')}"/></g>`;
  }
  if (s.kind === 'ticks') {
    const h = 10;
    const marks = s.points.map((p) => `<rect class="mark" x="${n1(x(p.x) - 1.5)}" y="${n1(y(p.y) - h / 2)}" width="3" height="${h}" fill="${color}">${title(p.title)}</rect>`);
    return `<g ${attrs}>${marks.join('')}</g>`;
  }
  if (s.kind === 'dots') {
    const marks = s.points.map((p) =>
      p.shape === 'square'
        ? `<rect class="mark" x="${n1(x(p.x) - 3)}" y="${n1(y(p.y) - 3)}" width="6" height="6" fill="none" stroke="${color}" stroke-width="1.5">${title(p.title)}</rect>`
        : `<circle class="mark" cx="${n1(x(p.x))}" cy="${n1(y(p.y))}" r="3" fill="${color}" fill-opacity="0.85">${title(p.title)}</circle>`,
    );
    return `<g ${attrs}>${marks.join('')}</g>`;
  }
  // bars, grouped around each x
  barSlot = Math.abs(x(s.slot ?? 1) - x(0));
  const g = s.group ?? { index: 0, of: 1 };
  const w = (barSlot * 0.8) / g.of;
  const marks = s.points.map((p) => {
    const cx = x(p.x) - (barSlot * 0.8) / 2 + w * g.index;
    const top = y(Math.max(p.y, 0));
    const base = y(0);
    let out = `<rect class="mark" x="${n1(cx + 1)}" y="${n1(Math.min(top, base))}" width="${n1(Math.max(1, w - 2))}" height="${n1(Math.abs(base - top))}" fill="${color}">${title(p.title)}</rect>`;
    if (p.lo !== undefined && p.hi !== undefined && p.hi > p.lo) {
      const mx = cx + w / 2;
      out += `<path class="whisker" d="M${n1(mx)},${n1(y(p.lo))}V${n1(y(p.hi))}M${n1(mx - 4)},${n1(y(p.lo))}h8M${n1(mx - 4)},${n1(y(p.hi))}h8" stroke="#222" stroke-width="1.2"/>`;
    }
    return out;
  });
  return `<g ${attrs}>${marks.join('')}</g>`;
}

/** A chart as a <figure>: title, SVG, legend, caption. */
export function chart(spec: ChartSpec): string {
  const W = spec.width ?? 760;
  const H = spec.height ?? 240;
  const m = { left: spec.left ?? 62, right: 18, top: 14, bottom: 42 };
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x)).concat((spec.bands ?? []).flatMap((b) => [b.from, b.to]), (spec.markers ?? []).map((k) => k.x));
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, ...(p.hi !== undefined ? [p.hi] : [])]));
  const hasBars = spec.series.some((s) => s.kind === 'bars' && s.slot === undefined);
  const xAxis = hasBars && spec.x.min === undefined ? { ...spec.x, min: Math.min(...xs) - 0.5, max: Math.max(...xs) + 0.5 } : spec.x;
  const x = scale(xs, xAxis, m.left, W - m.right, false);
  const yAxis = hasBars && !spec.y.log && spec.y.min === undefined ? { ...spec.y, min: 0 } : spec.y;
  const y = scale(ys, yAxis, H - m.bottom, m.top, true);
  const barSlot = 0;
  const parts: string[] = [];
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="#fff"/>`);
  for (const b of spec.bands ?? []) {
    const x0 = Math.max(m.left, x(b.from));
    const x1 = Math.min(W - m.right, Math.max(x(b.to), x0 + 2));
    const h = H - m.top - m.bottom;
    const fill = b.kind === 'stall' ? ' fill="url(#wobbly-stall-hatch)"' : '';
    parts.push(`<rect class="band ${b.kind}" data-band="${b.kind}" x="${n1(x0)}" y="${m.top}" width="${n1(x1 - x0)}" height="${h}"${fill}>${title(b.label)}</rect>`);
    if (b.kind === 'inflight') parts.push(`<rect class="band-strip" x="${n1(x0)}" y="${m.top}" width="${n1(x1 - x0)}" height="5"/>`);
    if (b.kind === 'stall') parts.push(`<text class="band-label" x="${n1(x0 + 4)}" y="${m.top + 17}">stall</text>`);
  }
  for (const t of y.ticks) {
    const py = n1(y(t.value));
    parts.push(`<line class="grid" x1="${m.left}" x2="${W - m.right}" y1="${py}" y2="${py}"/>`);
    parts.push(`<text class="tick" x="${m.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(t.label)}</text>`);
  }
  for (const t of x.ticks) {
    const px = n1(x(t.value));
    parts.push(`<line class="tickmark" x1="${px}" x2="${px}" y1="${H - m.bottom}" y2="${H - m.bottom + 4}"/>`);
    parts.push(`<text class="tick" x="${px}" y="${H - m.bottom + 16}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  parts.push(`<line class="axis" x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}"/>`);
  parts.push(`<line class="axis" x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}"/>`);
  parts.push(`<text class="axis-label" x="${(m.left + W - m.right) / 2}" y="${H - 6}" text-anchor="middle">${esc(spec.x.label)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(13 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.y.label)}</text>`);
  for (const s of spec.series) parts.push(seriesSvg(s, x, y, barSlot));
  for (const k of spec.markers ?? []) {
    const px = n1(x(k.x));
    parts.push(`<g class="marker" data-marker="${esc(k.label)}"><line x1="${px}" x2="${px}" y1="${m.top}" y2="${H - m.bottom}"/><text x="${px}" y="${m.top + 11}" dx="4">${esc(k.label)}</text></g>`);
  }
  const legend = spec.series.filter((s) => s.legend !== false);
  const legendHtml = legend.length > 1 || (spec.bands ?? []).length
    ? `<div class="legend">${legend.map((s) => `<span><i style="background:${esc(s.color)}"${s.dashed ? ' class="dashed"' : ''}></i>${esc(s.name)}</span>`).join('')}${bandLegend(spec.bands ?? [])}</div>`
    : '';
  const svg = `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">${parts.join('')}</svg>`;
  return `<figure class="chart" data-chart="${esc(spec.id)}" data-series-count="${spec.series.length}"><figcaption>${esc(spec.title)}</figcaption>${svg}${legendHtml}${spec.caption ? `<p class="caption">${esc(spec.caption)}</p>` : ''}</figure>`;
}

function bandLegend(bands: Band[]): string {
  const kinds = new Set(bands.map((b) => b.kind));
  const names: Record<Band['kind'], string> = { inflight: 'heavy request in flight', stall: 'stall', window: 'steady-state window' };
  return [...kinds].map((k) => `<span><i class="band-swatch ${k}"></i>${names[k]}</span>`).join('');
}

/** Shared SVG definitions, once per page: the hatching of stall bands. */
export const SVG_DEFS =
  '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>' +
  '<pattern id="wobbly-stall-hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
  '<rect width="7" height="7" fill="#D55E00" fill-opacity="0.07"/><line x1="0" y1="0" x2="0" y2="7" stroke="#D55E00" stroke-opacity="0.35" stroke-width="2.5"/></pattern></defs></svg>';
