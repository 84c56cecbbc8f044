/** The training report: inline SVG curves, the evaluation table, and escaping of every text. */
import { describe, expect, it } from 'vitest';
import { lineChartSvg, niceTicks } from '../../src/learning/svg-chart.ts';
import { renderTrainingReport } from '../../src/learning/training-report.ts';
import type { Manifest } from '../../src/model/model-dir.ts';
import type { Lineage } from '../../src/registry/lineage.ts';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&';

const history = [1, 2, 3, 4].map((epoch) => ({ epoch, trainLoss: 3 / epoch, validLoss: 3.2 / epoch, validTokenPpl: Math.exp(3.2 / epoch), tokensPerSecond: 1000, seconds: 2, learningRate: 0.001 }));

function lineage(): Lineage {
  const s = (ppl: number, bleu: number, v: string) => ({ modelVersion: v, turns: 12, perWordPerplexity: ppl, perTokenPerplexity: ppl, bleu4: bleu, distinct1: 0.3, distinct2: 0.5, avgLength: 6 });
  return {
    format: 'colloquy-lineage',
    formatVersion: 1,
    version: 'abc123def456',
    parent: `default${HOSTILE}`,
    parentVersion: '111111111111',
    createdAt: '2026-01-01T00:00:00.000Z',
    data: {
      base: { sha256: 'aa', dialogues: 96, file: `corpus${HOSTILE}.jsonl` },
      export: { sha256: 'bb', dialogues: 3, heldBack: 1, repeats: 7, skipped: { [`unreviewed${HOSTILE}`]: 4 } },
      eval: { sha256: 'cc', dialogues: 6, turns: 12 },
      train: { dialogues: 110, valid: 5 },
    },
    settings: { fromScratch: false, training: { note: HOSTILE }, gate: { maxPplIncrease: 0.05, minBleuDelta: 0 } },
    evaluation: {
      candidate: s(1.2, 40, 'abc123def456'),
      current: s(1.0, 50, '111111111111'),
      gate: { passed: false, checks: [{ metric: 'bleu4', candidate: 40, current: 50, rule: 'not below the current model\'s', passed: false }], message: `refused: BLEU-4 40.000 is below the current model's 50.000 ${HOSTILE}`, settings: { maxPplIncrease: 0.05, minBleuDelta: 0 } },
    },
    status: 'refused',
  };
}

const manifest = { version: 'abc123def456', history } as unknown as Manifest;

describe('the training report', () => {
  const html = renderTrainingReport({ lineage: lineage(), manifest });

  it('draws loss and perplexity curves per epoch as inline SVG with a train and a valid line each', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    const paths = [...html.matchAll(/<path d="(M[^"]+)"[^>]*data-series="(train|valid)"/g)];
    expect(paths.map((p) => p[2])).toEqual(['train', 'valid', 'train', 'valid']);
    for (const [, d] of paths) expect(d.split('L')).toHaveLength(history.length); // one vertex per epoch
    expect(html).toContain('Loss per epoch');
    expect(html).toContain('Perplexity per epoch');
    expect(html).toContain('>epoch<');
  });

  it('plots a falling loss as a line that goes down from left to right', () => {
    const d = /<path d="(M[^"]+)"[^>]*data-series="train"/.exec(html)![1];
    const ys = d.slice(1).split('L').map((p) => Number(p.split(' ')[1]));
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThan(ys[i - 1]); // SVG y grows downwards
  });

  it('has the evaluation table with both models, the verdict, and the lineage', () => {
    expect(html).toContain('Gate refused:');
    expect(html).toMatch(/<th scope="row">per-word perplexity<\/th><td>1\.000<\/td><td>1\.200<\/td>/);
    expect(html).toMatch(/<th scope="row">BLEU-4<\/th><td>50\.00<\/td><td>40\.00<\/td><td>-10\.00<\/td>/);
    expect(html).toContain('current (111111111111)');
    expect(html).toContain('repeated ×7');
  });

  it('escapes every text and contains no script at all', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i); // no event handler attribute on any real tag
  });
});

describe('the SVG line chart', () => {
  it('leaves out points that are not numbers and escapes labels', () => {
    const svg = lineChartSvg({ title: HOSTILE, xLabel: 'x', yLabel: 'y', series: [{ name: HOSTILE, color: 'red" onload="alert(1)', points: [[1, 1], [2, NaN], [3, 2]] }] });
    const d = /<path d="(M[^"]+)"[^>]*data-series=/.exec(svg)![1];
    expect(d.split('L')).toHaveLength(2);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toContain('" onload="');
  });

  it('picks round tick values', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1.3, 4.9)).toEqual([2, 3, 4]);
  });
});
