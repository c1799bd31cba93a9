import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';

// Characters XML 1.0 forbids outright (C0 controls other than tab, newline
// and carriage return, and the non-characters U+FFFE/U+FFFF): escaping cannot
// make them legal, so they are dropped.
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Escapes text for XML element content and attribute values alike: the five
 * predefined entities (`&` first, or the others would be double-escaped).
 * Labels come from users (class names, series names) and must never inject markup.
 */
export function esc(text: string): string {
  return text
    .replace(ILLEGAL, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate with at most 2 decimals: sub-pixel precision beyond that only bloats the file. */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/** The opening tag of a standalone SVG document of the given size. */
export function svgOpen(width: number, height: number, title: string | undefined): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}"` +
    ` font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12" role="img">` +
    (title === undefined ? '' : `<title>${esc(title)}</title>`)
  );
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ' ' + attrs : ''}>${esc(content)}</text>`;
}

/** Ten well-separated colors (the Tableau 10 / matplotlib default cycle). */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

export function checkObject(fn: string, name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${fn}: ${name} must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

export function optionalString(fn: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new ValueError(`${fn}: ${name} must be a string, got ${show(value)}`);
  return value;
}

/** Approximate width of a label in the 12px sans-serif font (about 0.6 em per character), for layout only. */
export function textWidth(s: string, fontSize = 12): number {
  return s.length * fontSize * 0.6;
}

/**
 * Each value's share of the total (0 for all when the total is 0). Values
 * are finite and >= 0; when their sum overflows (counts near 1e308) it is
 * taken over the values divided by the largest, so the shares stay right.
 */
export function sharesOf(values: readonly number[]): number[] {
  let total = 0;
  for (const v of values) total += v;
  if (Number.isFinite(total)) return values.map((v) => (total > 0 ? v / total : 0));
  let m = 0;
  for (const v of values) m = Math.max(m, v);
  let scaled = 0;
  for (const v of values) scaled += v / m;
  return values.map((v) => v / m / scaled);
}

/** v rounded to `decimals` places for a label, or v itself when v·10^decimals overflows (beyond 1e300 nothing is lost). */
export function roundTo(v: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(v * f) / f;
  return Number.isFinite(r) ? r : v;
}
