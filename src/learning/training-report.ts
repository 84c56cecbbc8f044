/**
 * `models/<version>/report.html`: one page per retraining run — loss and
 * perplexity per epoch as inline SVG charts, the evaluation table (candidate
 * against the current model, with the gate's verdict) and the lineage.
 * Self-contained: no scripts, no external files; every text is escaped.
 */
import type { Manifest } from '../model/model-dir.ts';
import type { EvalSummary, Lineage } from '../registry/lineage.ts';
import type { EpochRecord } from '../training/checkpoint.ts';
import { escapeXml as esc, lineChartSvg } from './svg-chart.ts';

export interface TrainingReportInput {
  lineage: Lineage;
  manifest: Manifest;
}

const TRAIN_COLOR = '#2563eb';
const VALID_COLOR = '#dc2626';

/** The report as a complete HTML document. */
export function renderTrainingReport({ lineage, manifest }: TrainingReportInput): string {
  const history = (Array.isArray(manifest.history) ? manifest.history : []) as EpochRecord[];
  const at = (pick: (h: EpochRecord) => number): Array<[number, number]> => history.map((h) => [h.epoch, pick(h)]);
  const loss = lineChartSvg({
    title: 'Loss per epoch',
    xLabel: 'epoch',
    yLabel: 'loss (nats per token)',
    series: [
      { name: 'train', color: TRAIN_COLOR, points: at((h) => h.trainLoss) },
      { name: 'valid', color: VALID_COLOR, dashed: true, points: at((h) => h.validLoss) },
    ],
  });
  const ppl = lineChartSvg({
    title: 'Perplexity per epoch',
    xLabel: 'epoch',
    yLabel: 'perplexity per token',
    series: [
      { name: 'train', color: TRAIN_COLOR, points: at((h) => Math.exp(h.trainLoss)) },
      { name: 'valid', color: VALID_COLOR, dashed: true, points: at((h) => h.validTokenPpl) },
    ],
  });
  const { candidate, current, gate } = lineage.evaluation;
  const verdict = gate.passed ? 'passed' : 'refused';
  const checkFor = (metric: string) => gate.checks.find((c) => c.metric === metric);
  const row = (name: string, key: keyof EvalSummary, digits: number, metric?: string) => {
    const c = candidate[key] as number;
    const p = current[key] as number;
    const check = metric ? checkFor(metric) : undefined;
    const delta = c - p;
    return `<tr><th scope="row">${esc(name)}</th><td>${num(p, digits)}</td><td>${num(c, digits)}</td><td>${Number.isFinite(delta) ? (delta >= 0 ? '+' : '') + delta.toFixed(digits) : '—'}</td><td>${check ? `${esc(check.rule)}: <strong>${check.passed ? 'pass' : 'fail'}</strong>` : ''}</td></tr>`;
  };
  const skipped = Object.entries(lineage.data.export.skipped ?? {});
  const kv = (pairs: Array<[string, unknown]>) => `<table class="kv">${pairs.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v ?? '—')}</td></tr>`).join('')}</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Training report ${esc(lineage.version)}</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; color: #111; max-width: 1180px; margin: 24px auto; padding: 0 16px; }
table { border-collapse: collapse; margin: 8px 0 20px; }
th, td { border: 1px solid #d1d5db; padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f3f4f6; }
.verdict { padding: 8px 12px; border-radius: 6px; }
.passed { background: #dcfce7; } .refused { background: #fee2e2; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
pre { background: #f9fafb; padding: 8px; overflow: auto; }
</style>
</head>
<body>
<h1>Training report: version ${esc(lineage.version)}</h1>
<p>Created ${esc(lineage.createdAt)}${lineage.parent ? `, fine-tuned from ${esc(lineage.parent)}${lineage.parentVersion && lineage.parentVersion !== lineage.parent ? ` (${esc(lineage.parentVersion)})` : ''}` : ''}${lineage.settings.fromScratch ? ', trained from scratch' : ''}; ${history.length} epoch${history.length === 1 ? '' : 's'}.</p>
<p class="verdict ${verdict}"><strong>Gate ${verdict}:</strong> ${esc(gate.message.replace(/^(gate passed|refused): /, ""))}</p>

<h2>Training curves</h2>
<div class="charts">
${loss}
${ppl}
</div>

<h2>Evaluation on the held-out set</h2>
<p>${plural(candidate.turns, 'bot turn')} of ${plural(lineage.data.eval.dialogues, 'dialogue')} (a fixed slice of the base corpus and ${plural(lineage.data.export.heldBack, 'held-back reviewed dialogue')}), greedy decoding.</p>
<table>
<thead><tr><th>metric</th><th>current (${esc(current.modelVersion)})</th><th>candidate (${esc(candidate.modelVersion)})</th><th>change</th><th>gate</th></tr></thead>
<tbody>
${row('per-word perplexity', 'perWordPerplexity', 3, 'perWordPerplexity')}
${row('BLEU-4', 'bleu4', 2, 'bleu4')}
${row('per-token perplexity', 'perTokenPerplexity', 3)}
${row('distinct-1', 'distinct1', 3)}
${row('distinct-2', 'distinct2', 3)}
${row('average reply length (words)', 'avgLength', 1)}
</tbody>
</table>

<h2>Per-epoch history</h2>
<table>
<thead><tr><th>epoch</th><th>train loss</th><th>valid loss</th><th>valid ppl/token</th><th>learning rate</th><th>tokens/s</th><th>seconds</th></tr></thead>
<tbody>
${history.map((h) => `<tr><td>${h.epoch}</td><td>${num(h.trainLoss, 4)}</td><td>${num(h.validLoss, 4)}</td><td>${num(h.validTokenPpl, 3)}</td><td>${num(h.learningRate, 6)}</td><td>${num(h.tokensPerSecond, 0)}</td><td>${num(h.seconds, 0)}</td></tr>`).join('\n')}
</tbody>
</table>

<h2>Lineage</h2>
${kv([
  ['version', lineage.version],
  ['parent', lineage.parent ? `${lineage.parent}${lineage.parentVersion && lineage.parentVersion !== lineage.parent ? ` (${lineage.parentVersion})` : ''}` : 'none'],
  ['base corpus', `${lineage.data.base.file ?? '(given)'}: ${lineage.data.base.dialogues} dialogues, sha256 ${lineage.data.base.sha256}`],
  ['reviewed export', `${plural(lineage.data.export.dialogues, 'dialogue')}, repeated ×${lineage.data.export.repeats} in the mix, sha256 ${lineage.data.export.sha256}`],
  ['left out of the export', skipped.length ? skipped.map(([k, v]) => `${k}: ${v}`).join(', ') : 'nothing'],
  ['held-out set', `${plural(lineage.data.eval.dialogues, 'dialogue')}, ${plural(lineage.data.eval.turns, 'bot turn')}, sha256 ${lineage.data.eval.sha256}`],
  ['training data', `${lineage.data.train.dialogues} dialogues (${lineage.data.train.valid} for validation)`],
  ['status at creation', lineage.status],
])}
<h3>Settings</h3>
<pre>${esc(JSON.stringify(lineage.settings, null, 2))}</pre>
</body>
</html>
`;
}

function plural(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}

function num(x: number, digits: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}
