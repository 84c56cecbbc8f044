/**
 * A real web server with the admin side on: the real engine (over a scripted
 * generator, so replies and confidences are known), the real lowdb store in a
 * temp dir, and a models dir with one version and its training report.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebLimits } from '../../adapters/web/index.ts';
import { createAdminRouter, createEngine, createLowdbStore, DEFAULT_MODEL_DIR, type ConversationStore, type Engine } from '../../src/index.ts';
import { createScriptedGenerator, type Script } from '../engine/helpers/scripted-generator.ts';
import { listenForTest, type TestServer } from './helpers.ts';

export const ADMIN_TOKEN = 'admin-token-0123456789-abcdef';

/** The training report the fake version carries. */
export const REPORT_HTML = '<!doctype html><html><head><style>h1{color:teal}</style></head><body><h1>Training report v1</h1><svg width="10" height="10"></svg></body></html>';

export type AdminTestServer = TestServer<ConversationStore & { fileFor(id: string): string }>;

/** Answers "confident …" questions confidently and anything else with a reply below the confidence threshold. */
export const confidentOnCue: Script = (context) => {
  const last = context[context.length - 1]?.text ?? '';
  return last.startsWith('confident') ? { text: 'Happy to help with that.', meanLogProb: -0.3 } : { text: 'Bananas are blue.', meanLogProb: -4.2 };
};

/**
 * Starts the server; `adminToken: null` starts it without the admin side.
 *
 * @example
 * const s = await startAdminServer(); await fetch(`${s.url}/admin/api/review`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
 */
export async function startAdminServer({ adminToken = ADMIN_TOKEN as string | null, limits = {} as Partial<WebLimits> } = {}): Promise<AdminTestServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-admin-'));
  const modelsDir = path.join(dir, 'models');
  const v1 = path.join(modelsDir, 'v1');
  await fs.mkdir(v1, { recursive: true });
  await fs.copyFile(path.join(DEFAULT_MODEL_DIR, 'manifest.json'), path.join(v1, 'manifest.json'));
  await fs.writeFile(path.join(v1, 'weights.bin'), '');
  await fs.writeFile(path.join(v1, 'tokenizer.json'), '{}');
  await fs.writeFile(path.join(v1, 'report.html'), REPORT_HTML);
  await fs.writeFile(path.join(dir, 'secret.txt'), 'not for the web');
  const store = await createLowdbStore({ dir: path.join(dir, 'log') });
  const engine = createEngine({ generator: createScriptedGenerator(confidentOnCue), store, tickIntervalMs: false, options: { maxConsecutiveFallbacks: 0 } });
  return listenForTest({ dir, engine, store, server: { limits, ...(adminToken === null ? {} : { mounts: { '/admin': createAdminRouter({ store, token: adminToken, modelsDir, minConfidence: engine.options.confidenceThreshold, commands: engine.options.commands }) } }) } });
}

/**
 * Has a conversation through the engine: each text is a user message.
 *
 * @example
 * const turns = await converse(s.engine, 'web-1', ['hello', 'confident thanks']);
 */
export async function converse(engine: Engine, conversationId: string, texts: string[]): Promise<{ turnId?: string; kind: string }[]> {
  const out: { turnId?: string; kind: string }[] = [];
  for (const text of texts) {
    const reply = await engine.handle({ channel: 'web', conversationId, userId: `user-${conversationId}`, text });
    for await (const piece of reply.stream) void piece;
    const r = await reply.result;
    out.push({ turnId: r.turnId, kind: r.kind });
  }
  return out;
}
