/**
 * Latency and throughput of the web channel end to end: the real server
 * (port 0) over the real engine, the lowdb store in a temp dir and the bundled
 * model (models/default) on the wasm backend, driven over HTTP like the widget.
 *
 *   npx tsx bench/web-latency.ts [--messages N] [--sequential N] [--concurrent N] [--batching both|on|off]
 *
 * Scenarios:
 *   - 1 conversation at a time: `--sequential` conversations (default 10) one
 *     after another, `--messages` messages each (default 3);
 *   - `--concurrent` conversations at once (default 50), `--messages` each.
 * Per message: time to first token (request sent → first `event: token`) and
 * full-reply latency (→ `event: done`); replies/s = replies / wall time;
 * tokens/reply = streamed `token` events per reply (a sanity check).
 * Both scenarios run twice by default: with the generator decoding one
 * conversation at a time, and with batched decoding (`batching: true`, what
 * `colloquy serve` runs), each on a fresh server, store and engine.
 * Rate limits are raised so the benchmark measures generation, not the limiter.
 * One warm-up message is sent and not counted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWebServer } from '../adapters/web/index.ts';
import { createEngine, createLowdbStore, DEFAULT_MODEL_DIR, initBackend, loadModel, LstmGenerator } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '3' },
    sequential: { type: 'string', default: '10' },
    concurrent: { type: 'string', default: '50' },
    batching: { type: 'string', default: 'both' },
  },
});
const perConversation = Number(values.messages);
const sequential = Number(values.sequential);
const concurrent = Number(values.concurrent);
const out = (line: string) => process.stdout.write(line + '\n');

const QUESTIONS = [
  'Where is my order?',
  'How much is shipping?',
  'Can I return a jacket?',
  'I want a refund',
  'My package arrived damaged',
  'Do you ship to Canada?',
  'How do I change my address?',
  'hello',
];

interface Sample {
  ttftMs: number;
  totalMs: number;
  kind: string;
  tokens: number;
}

if (!['both', 'on', 'off'].includes(values.batching)) throw new Error('--batching must be both, on or off');
await initBackend('wasm');
const model = await loadModel(DEFAULT_MODEL_DIR);

/** A fresh server over a fresh engine and store, with or without batched decoding. */
async function startServer(batching: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'colloquy-web-bench-'));
  const generator = new LstmGenerator(model, {}, { batching });
  const store = await createLowdbStore({ dir });
  const engine = createEngine({ generator, store, tickIntervalMs: false });
  const web = createWebServer({
    engine,
    secret: 'bench-secret-0123456789abcdef0123456789abcdef',
    limits: { perIp: { burst: 1e6, perMinute: 1e6 }, perConversation: { burst: 1e6, perMinute: 1e6 } },
  });
  const listening = await web.listen(0);
  return {
    url: listening.url,
    async close() {
      await listening.close();
      await engine.close();
      await store.close();
      generator.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let server: { url: string } = { url: '' };

async function startConversation(): Promise<{ conversationId: string; token: string }> {
  const res = await fetch(`${server.url}/api/conversations`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /api/conversations → ${res.status}`);
  return (await res.json()) as { conversationId: string; token: string };
}

/** Sends one message and times the streamed reply. */
async function say(c: { conversationId: string; token: string }, text: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${server.url}/api/conversations/${c.conversationId}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (res.status !== 200 || !res.body) throw new Error(`POST messages → ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ttft: number | undefined;
  let kind = '?';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    if (ttft === undefined && /(^|\n)event: (token|done)\n/.test(buffer)) ttft = performance.now() - t0;
    const m = /event: done\ndata: (.*)\n/.exec(buffer);
    if (m) kind = (JSON.parse(m[1]) as { kind: string }).kind;
  }
  const total = performance.now() - t0;
  const tokens = buffer.split('event: token\n').length - 1;
  return { ttftMs: ttft ?? total, totalMs: total, kind, tokens };
}

async function runConversation(index: number): Promise<Sample[]> {
  const c = await startConversation();
  const samples: Sample[] = [];
  for (let i = 0; i < perConversation; i++) samples.push(await say(c, QUESTIONS[(index + i) % QUESTIONS.length]));
  return samples;
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Row {
  name: string;
  samples: Sample[];
  wallMs: number;
}

function row({ name, samples, wallMs }: Row): string[] {
  const ttft = samples.map((s) => s.ttftMs);
  const total = samples.map((s) => s.totalMs);
  const fallbacks = samples.filter((s) => s.kind === 'fallback').length;
  return [
    name,
    String(samples.length),
    percentile(ttft, 50).toFixed(0),
    percentile(ttft, 99).toFixed(0),
    percentile(total, 50).toFixed(0),
    percentile(total, 99).toFixed(0),
    (samples.length / (wallMs / 1000)).toFixed(2),
    (samples.reduce((n, s) => n + s.tokens, 0) / samples.length).toFixed(1),
    String(fallbacks),
  ];
}

async function measure(batching: boolean): Promise<Row[]> {
  const running = await startServer(batching);
  server = running;
  const mode = batching ? 'batched' : 'unbatched';
  try {
    await runConversation(0); // warm-up (compiles the wasm kernels)
    const rows: Row[] = [];
    let t0 = performance.now();
    const seq: Sample[] = [];
    for (let i = 0; i < sequential; i++) seq.push(...(await runConversation(i)));
    rows.push({ name: `${mode}: 1 conversation (${sequential}×${perConversation} msgs, one at a time)`, samples: seq, wallMs: performance.now() - t0 });
    t0 = performance.now();
    const par = (await Promise.all(Array.from({ length: concurrent }, (_, i) => runConversation(i)))).flat();
    rows.push({ name: `${mode}: ${concurrent} concurrent conversations (${perConversation} msgs each)`, samples: par, wallMs: performance.now() - t0 });
    return rows;
  } finally {
    await running.close();
  }
}

try {
  const rows: Row[] = [];
  if (values.batching !== 'on') rows.push(...(await measure(false)));
  if (values.batching !== 'off') rows.push(...(await measure(true)));
  const header = ['scenario', 'replies', 'TTFT p50 ms', 'TTFT p99 ms', 'reply p50 ms', 'reply p99 ms', 'replies/s', 'tokens/reply', 'fallbacks'];
  const table = [header, ...rows.map(row)];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  out(`web channel, bundled model on wasm, Node ${process.version}`);
  out('| ' + header.map((h, i) => h.padEnd(widths[i])).join(' | ') + ' |');
  out('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of table.slice(1)) out('| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |');
} finally {
  model.dispose();
}
process.exit(0);
