/**
 * A tiny SVG line chart (no dependencies): one or more series over a shared
 * x axis, with axes, ticks, axis labels and a legend. Every text is escaped;
 * styling is by presentation attributes only, so the chart renders under a
 * strict Content-Security-Policy.
 */

/** Escapes text for HTML and XML content and attribute values. */
export function escapeXml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface ChartSeries {
  name: string;
  /** [x, y] pairs; points with a non-finite coordinate are left out. */
  points: Array<[number, number]>;
  color: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 16, top: 32, bottom: 48 };

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toPrecision(2) : String(Number(v.toPrecision(4)));
}

/**
 * The chart as an `<svg>` element string.
 *
 * @example
 * lineChartSvg({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', color: '#2563eb', points: [[1, 2.3], [2, 1.9]] }] });
 */
export function lineChartSvg({ title, xLabel, yLabel, series, width = 560, height = 300 }: LineChartOptions): string {
  const clean = series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }));
  const all = clean.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  let [x0, x1] = all.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = all.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const f = (n: number) => n.toFixed(1);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<title>${escapeXml(title)}</title>`);
  parts.push(`<text x="${MARGIN.left}" y="18" font-size="14" font-weight="600" fill="#111">${escapeXml(title)}</text>`);
  // grid and y ticks
  for (const t of niceTicks(y0, y1)) {
    const y = f(py(t));
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#374151">${escapeXml(label(t))}</text>`);
  }
  // x ticks (whole epochs when the range is small)
  const xticks = niceTicks(x0, x1, Math.min(8, Math.max(1, Math.round(x1 - x0)))).filter((t) => x1 - x0 > 10 || Number.isInteger(t));
  for (const t of xticks) {
    const x = f(px(t));
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#374151"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" fill="#374151">${escapeXml(label(t))}</text>`);
  }
  // axes and their labels
  parts.push(`<path d="M${MARGIN.left} ${MARGIN.top}V${MARGIN.top + plotH}H${width - MARGIN.right}" fill="none" stroke="#374151" class="axes"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="#111">${escapeXml(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111">${escapeXml(yLabel)}</text>`);
  // the series
  clean.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([x, y], k) => `${k ? 'L' : 'M'}${f(px(x))} ${f(py(y))}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} data-series="${escapeXml(s.name)}"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="2.5" fill="${escapeXml(s.color)}"/>`);
    const lx = width - MARGIN.right - 120;
    const ly = MARGIN.top + 8 + i * 16;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${escapeXml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 24}" y="${ly}" dominant-baseline="middle" fill="#111">${escapeXml(s.name)}</text>`);
  });
  if (all.length === 0) parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" fill="#6b7280">no data</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
