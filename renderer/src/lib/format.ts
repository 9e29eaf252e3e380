/** Display formatting shared by the views. Pure functions: no DOM, no state. */
import type { QuantizationInfo } from './contract';

const UNITS = ['B', 'KiB', 'MiB', 'GiB'];

/** 1536 -> "1.5 KiB"; bytes below 1 KiB stay exact ("900 B"). Binary units, like file managers on Linux. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${n} B`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[u]}`;
}

/** Exact byte count with thin-space grouping, for tooltips and tables: 1234567 -> "1 234 567". */
export function formatInt(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, '\u2009');
}

/** [1, 96, 96, 1] -> "1×96×96×1"; [] -> "scalar". A -1 (dynamic) dimension shows as "?". */
/** 1×224×224×3; unknown dims (-1) as "?", symbolic ones (ONNX's "batch") by name. */
export function formatShape(shape: readonly (number | string)[]): string {
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (typeof d === 'string' ? d : d < 0 ? '?' : String(d))).join('×');
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * Math.max(d, 0), 1);
}

/** Scales span many decades: 4 significant digits, exponent form outside [1e-3, 1e4). */
export function formatScale(s: number): string {
  if (s === 0) return '0';
  const a = Math.abs(s);
  return a >= 1e-3 && a < 1e4 ? String(Number(s.toPrecision(4))) : s.toExponential(3);
}

export function isPerAxis(q: QuantizationInfo): boolean {
  return q.scale.length > 1;
}

/**
 * One short line for a table cell: "s=0.02352 zp=-128" per tensor; per channel
 * "per-axis(0) ×16 1.2e-4…3.4e-3", with the zero point only when it is not 0 everywhere
 * (weights are symmetric, so it usually is).
 */
export function formatQuantShort(q: QuantizationInfo | null): string {
  if (!q || q.scale.length === 0) return '';
  if (!isPerAxis(q)) return `s=${formatScale(q.scale[0])} zp=${q.zeroPoint[0] ?? 0}`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of q.scale) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const zps = new Set(q.zeroPoint);
  const zp = zps.size > 1 ? ' zp=mixed' : q.zeroPoint[0] ? ` zp=${q.zeroPoint[0]}` : '';
  return `per-axis(${q.axis}) ×${q.scale.length} ${formatScale(lo)}…${formatScale(hi)}${zp}`;
}

/** Undoes the regex escaping the wizard applies to a tensor name. */
const unescapeRegex = (s: string) => s.replace(/\\(.)/g, '$1');

/**
 * A keep-float rule in words: `tensor:^conv2d_0$` → `conv2d_0`, `op:SOFTMAX` → `every SOFTMAX op`
 * (issue 17: no internal syntax in the app).
 */
export function keepFloatLabel(rule: string): string {
  const t = /^tensor:\^(.*)\$$/.exec(rule);
  if (t) return unescapeRegex(t[1]!);
  if (rule.startsWith('tensor:')) return `tensors matching ${rule.slice(7)}`;
  if (rule.startsWith('op:')) return `every ${rule.slice(3)} op`;
  return rule;
}

/**
 * Engine sentences written for the CLI, in the app's words: a keep-float rule becomes the name it
 * keeps ("keep this layer float (keep-float rule tensor:^x$)" → "keep this layer in float").
 */
export function plainText(s: string): string {
  return s
    .replace(
      /keep this layer float \(keep-float rule [^)]*\)/g,
      'keep this layer in float (Keep float & re-run)',
    )
    .replace(/kept float \(keep-float rule\)/g, 'you chose to keep it in float')
    .replace(
      /keep-float rule (tensor:\^\S*\$|op:\S+)/g,
      (_m, r: string) => `keeping ${keepFloatLabel(r)} in float`,
    );
}
