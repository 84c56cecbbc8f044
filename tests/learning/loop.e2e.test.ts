/**
 * The whole learning loop, end to end, against a running server that is
 * never restarted: chat through the web API, thumbs-down a reply, write the
 * correction in review (admin API), retrain a tiny model → promoted → the
 * same question now gets the corrected answer; a worse candidate is refused
 * and changes nothing; a rollback brings the previous version back.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebServer } from '../../adapters/web/index.ts';
import { createAdminRouter } from '../../src/ops/admin-router.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/types.ts';
import { exportTrainingSet } from '../../src/learning/export.ts';
import { retrain, type RetrainResult } from '../../src/learning/retrain.ts';
import { silentLogger } from '../../src/logger.ts';
import { rollback } from '../../src/registry/promote.ts';
import { ReloadingGenerator } from '../../src/registry/reloading-generator.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { tempDir, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';
import { parseSse, SECRET } from '../web/helpers.ts';

const ADMIN = 'admin-token-for-the-loop-test';
const QUESTION = 'Do you ship to Norway?';
const CORRECTION = 'Yes, Norway takes four days.';

let root: string;
let modelsDir: string;
let url: string;
let store: ConversationStore;
let engine: Engine;
let generator: ReloadingGenerator;
let stop: () => Promise<void>;
let baseVersion: string;

beforeAll(async () => {
  root = await tempDir('loop');
  modelsDir = path.join(root, 'models');
  baseVersion = (await trainTinyModel(path.join(modelsDir, 'default'), 'wasm', { training: { epochs: 25 } })).version;
  // the server, as `colloquy serve` builds it: the registry's active model, followed live
  generator = await ReloadingGenerator.open({ modelsDir, logger: silentLogger, debounceMs: 50, pollMs: 500 });
  store = await createLowdbStore({ dir: path.join(root, 'conversations') });
  engine = createEngine({ generator, store, tickIntervalMs: false });
  const server = await createWebServer({ engine, secret: SECRET, mounts: { '/admin': createAdminRouter({ store, token: ADMIN, modelsDir, minConfidence: engine.options.confidenceThreshold, commands: engine.options.commands }) }, limits: { perIp: { burst: 1000, perMinute: 1000 } } }).listen(0);
  url = server.url;
  stop = async () => {
    await server.close();
    await engine.close();
    await store.close();
    await generator.close();
  };
}, 120_000);

afterAll(async () => {
  await stop?.();
  await fs.rm(root, { recursive: true, force: true });
});

async function api<T>(method: string, p: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/** A new web conversation asking QUESTION; the reply and the version that wrote it, as logged. */
async function askServer(): Promise<{ conversationId: string; token: string; kind: string; text: string; turnId: string; modelVersion?: string }> {
  const start = await fetch(`${url}/api/conversations`, { method: 'POST' });
  const { conversationId, token } = (await start.json()) as { conversationId: string; token: string };
  const res = await fetch(`${url}/api/conversations/${conversationId}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ text: QUESTION }) });
  expect(res.status).toBe(200);
  const done = parseSse(await res.text()).find((e) => e.event === 'done')!.data as { kind: string; text: string; turnId: string };
  const logged = (await store.get(conversationId))!.turns.find((t) => t.id === done.turnId);
  return { conversationId, token, ...done, modelVersion: logged?.modelVersion };
}

async function waitForVersion(version: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (generator.modelVersion !== version) {
    if (Date.now() > end) throw new Error(`the server still serves ${generator.modelVersion}, not ${version}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const retrainNow = async (over: Partial<Parameters<typeof retrain>[0]> = {}): Promise<RetrainResult> =>
  retrain({ modelsDir, data: await exportTrainingSet(store), base: tinyCorpus(), backend: 'wasm', logger: silentLogger, training: { epochs: 8 }, ...over });

describe('the learning loop', () => {
  let promoted: RetrainResult;

  it('learns a reviewer\'s correction to a thumbed-down reply and serves it without a restart', async () => {
    // a customer asks something the bot never learned, and says the answer did not help
    const first = await askServer();
    expect(first.modelVersion).toBe(baseVersion);
    expect(first.text).not.toBe(CORRECTION);
    expect((await api('POST', `/api/conversations/${first.conversationId}/feedback`, first.token, { turnId: first.turnId, value: 'down' })).status).toBeLessThan(300);

    // the reviewer finds it in the queue and writes the reply the bot should have given
    const queue = await api<{ items: Array<{ conversationId: string; turnId: string; reasons: string[] }> }>('GET', '/admin/api/review', ADMIN);
    const item = queue.body.items.find((i) => i.conversationId === first.conversationId)!;
    expect(item.turnId).toBe(first.turnId);
    expect(item.reasons).toContain('thumbs-down');
    expect((await api('POST', `/admin/api/review/${first.conversationId}`, ADMIN, { correct: [{ turnId: first.turnId, text: CORRECTION }] })).status).toBe(200);

    // retrain → the gate passes → promoted → the running server switches
    promoted = await retrainNow();
    expect(promoted.verdict.message).toMatch(/^gate passed/);
    expect(promoted.promoted).toBe(true);
    await waitForVersion(promoted.version);

    const again = await askServer();
    expect(again).toMatchObject({ kind: 'reply', text: CORRECTION, modelVersion: promoted.version });
  });

  it('refuses a worse candidate, which changes nothing in the running server', async () => {
    const worse = await retrainNow({ fromScratch: true, training: { epochs: 1 } });
    expect(worse.promoted).toBe(false);
    expect(worse.verdict.message).toMatch(/^refused: per-word perplexity/);
    await new Promise((r) => setTimeout(r, 1000)); // long enough for a (wrong) reload to happen
    expect(generator.modelVersion).toBe(promoted.version);
    expect(await askServer()).toMatchObject({ text: CORRECTION, modelVersion: promoted.version });

    const models = await api<{ versions: Array<{ name: string; status: string; reportUrl: string | null }> }>('GET', '/admin/api/models', ADMIN);
    expect(Object.fromEntries(models.body.versions.map((v) => [v.name, v.status]))).toEqual({ default: 'retired', [promoted.version]: 'active', [worse.version]: 'refused' });
    const link = models.body.versions.find((v) => v.name === worse.version)!.reportUrl!;
    const report = await fetch(`${url}${link}`);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('Gate refused:');
  });

  it('rolls back to the previous version in the running server', async () => {
    await rollback(modelsDir);
    await waitForVersion(baseVersion);
    const back = await askServer();
    expect(back.modelVersion).toBe(baseVersion);
    expect(back.text).not.toBe(CORRECTION);
  });
});
