/** Hand-made SVG charting: scales, a time axis, step paths. No chart library. */
import { s } from '../dom.js';

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Evenly spaced "nice" time ticks (1, 2, 5, 10, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 6 h…). */
export function timeTicks(t0: number, t1: number, maxTicks: number): number[] {
  const steps = [1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 21600e3, 43200e3, 86400e3];
  const step = steps.find((st) => (t1 - t0) / st <= maxTicks) ?? steps.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

export function hhmm(t: number, seconds = false): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hour12: false });
}

/** A time axis along the bottom of the frame, with faint vertical grid lines. */
export function timeAxis(f: Frame, t0: number, t1: number): SVGGElement {
  const x = scale(t0, t1, f.left, f.width - f.right);
  const g = s('g', { class: 'axis' });
  // A run of a few minutes (a demo) needs seconds on its ticks, and room for them.
  const seconds = t1 - t0 < 10 * 60_000;
  const maxTicks = Math.max(2, Math.floor((f.width - f.left - f.right) / (seconds ? 80 : 70)));
  const ticks = timeTicks(t0, t1, maxTicks);
  const withSeconds = seconds && ticks.some((t) => t % 60_000 !== 0);
  for (const t of ticks) {
    g.append(s('line', { x1: x(t), x2: x(t), y1: f.top, y2: f.height - f.bottom, class: 'grid' }));
    g.append(s('text', { x: x(t), y: f.height - f.bottom + 14, 'text-anchor': 'middle' }, hhmm(t, withSeconds)));
  }
  g.append(s('line', { x1: f.left, x2: f.width - f.right, y1: f.height - f.bottom, y2: f.height - f.bottom, class: 'base' }));
  return g;
}

/** Whole-number ticks on the left, with horizontal grid lines. */
export function countAxis(f: Frame, max: number): SVGGElement {
  const y = scale(0, max, f.height - f.bottom, f.top);
  const g = s('g', { class: 'axis' });
  const step = Math.max(1, Math.ceil(max / 4));
  for (let v = 0; v <= max; v += step) {
    g.append(s('line', { x1: f.left, x2: f.width - f.right, y1: y(v), y2: y(v), class: 'grid' }));
    g.append(s('text', { x: f.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(v)));
  }
  return g;
}

/** `M x0 y0 H x1 V y1 …`: a step line through points sorted by x. */
export function stepPath(points: [number, number][]): string {
  if (!points.length) return '';
  let d = `M${points[0]![0].toFixed(1)} ${points[0]![1].toFixed(1)}`;
  for (const [x, y] of points.slice(1)) d += `H${x.toFixed(1)}V${y.toFixed(1)}`;
  return d;
}

export function svgFrame(f: Frame, label: string): SVGSVGElement {
  return s('svg', { viewBox: `0 0 ${f.width} ${f.height}`, class: 'chart', role: 'img', 'aria-label': label, preserveAspectRatio: 'xMidYMid meet' });
}
