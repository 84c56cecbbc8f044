/** Small helpers the benchmark modules share: medians, percentiles, timing, a Markdown table. */

/** The median of some numbers (NaN for none). */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-th percentile (nearest rank). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Milliseconds `fn` takes. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Rounds to `digits` significant-ish decimals for the table and JSON. */
export function round(x: number | null, digits = 3): number | null {
  if (x == null || !Number.isFinite(x)) return null;
  const d = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : digits;
  return Number(x.toFixed(d));
}

/** Renders rows as a Markdown table, first column left-aligned, the rest right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Lets pending I/O and timers run (between benchmark rounds). */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
