/**
 * The engine against real components: conversations logged in real lowdb
 * files, and the bundled LSTM model when it has been trained.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, PROJECT_ROOT } from '../../src/config.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { LstmGenerator } from '../../src/generation/generator.ts';
import { loadModel } from '../../src/model/model-dir.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { createFakeClock, createHarness, readReply } from './helpers/harness.ts';

/** The store under test — the one line to change to run these tests on another store. */
const openStore = (dir: string): Promise<ConversationStore> => createLowdbStore({ dir });

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-engine-'));
  cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('the engine on the lowdb store', () => {
  it('logs a whole conversation to disk and picks it up again after a restart', async () => {
    // Arrange: a first run with a reply, a hand-off round trip and feedback
    const dir = await tempDir();
    const store1 = await openStore(dir);
    const h1 = createHarness({ store: store1 });
    const first = await h1.send('where is my order?');
    await h1.send('/agent');
    await h1.engine.agent.accept('c1', 'alice');
    await h1.engine.agent.send('c1', 'alice', 'It left the warehouse today.');
    await h1.engine.agent.close('c1');
    await h1.engine.feedback({ conversationId: 'c1', turnId: first.turnId!, value: 'up', userId: 'u1' });
    await h1.engine.close();
    await store1.close();

    // Act: a second run on the same directory
    const store2 = await openStore(dir);
    cleanup.push(() => store2.close());
    const h2 = createHarness({ store: store2 });
    const again = await h2.send('thanks!');

    // Assert
    expect(again.kind).toBe('reply');
    const record = (await store2.get('c1'))!;
    expect(record.turns.map((t) => t.speaker)).toEqual(['user', 'bot', 'user', 'notice', 'notice', 'agent', 'notice', 'user', 'bot']);
    expect(record.turns[1].feedback).toMatchObject({ value: 'up', by: 'u1' });
    expect(record.handoff).toMatchObject({ state: 'closed', agentId: 'alice' });
    expect(h2.generator.calls[0].context.map((t) => t.speaker)).toEqual(['user', 'bot', 'agent', 'user']);
    const listed = [];
    for await (const s of store2.list({ feedback: 'up' })) listed.push(s.id);
    expect(listed).toEqual(['c1']);
  });

  it('tells the user to retry when the disk write fails, keeps what was stored, and carries on', async () => {
    // Arrange: one exchange on disk, then the conversation's folder replaced by a file so writes fail
    const dir = await tempDir();
    const store = await openStore(dir);
    cleanup.push(() => store.close());
    const h = createHarness({ store });
    await h.send('hello');
    const before = await store.get('c1');
    const shard = path.dirname((store as unknown as { fileFor(id: string): string }).fileFor('c1'));
    await fs.rename(shard, `${shard}.away`);
    await fs.writeFile(shard, 'not a folder');

    // Act
    const failed = await h.send('are you there?');
    await fs.rm(shard);
    await fs.rename(`${shard}.away`, shard);
    const next = await h.send('hello again');

    // Assert
    expect(failed).toMatchObject({ kind: 'notice', text: h.engine.options.messages.retry });
    expect(next.kind).toBe('reply');
    const reopened = await openStore(dir);
    cleanup.push(() => reopened.close());
    const after = (await reopened.get('c1'))!;
    expect(after.turns.slice(0, 2)).toEqual(before!.turns);
    expect(after.turns.map((t) => t.text)).toEqual(['hello', 'You said: hello', 'hello again', 'You said: hello again']);
  });
});


describe('the engine with the bundled model', () => {
  it('answers with the real LstmGenerator and logs the reply with its confidence and model version', async () => {
    // Arrange
    await initBackend('cpu');
    const model = await loadModel(DEFAULT_MODEL_DIR);
    const generator = new LstmGenerator(model);
    cleanup.push(async () => (generator.dispose(), model.dispose()));
    const store = await openStore(await tempDir());
    cleanup.push(() => store.close());
    const engine = createEngine({ generator, store, clock: createFakeClock(), tickIntervalMs: false });

    // Act
    const said = await readReply(await engine.handle({ channel: 'test', conversationId: 'real-1', userId: 'u1', text: 'Hi, where is my order?', receivedAt: new Date() }));

    // Assert
    expect(['reply', 'fallback']).toContain(said.kind);
    expect(said.text.length).toBeGreaterThan(0);
    expect(Number.isFinite(said.confidence)).toBe(true);
    expect(said.modelVersion).toBe(model.manifest.version);
    const bot = (await store.get('real-1'))!.turns[1];
    expect(bot).toMatchObject({ speaker: 'bot', modelVersion: model.manifest.version, confidence: said.confidence });
    if (said.kind === 'reply') expect(said.streamed.trim()).toBe(said.text);
  });

  it("a conversation's later messages continue from the prefix cache, with the replies a full re-read gives", async () => {
    // Arrange: the same conversation through two engines, one generator with the cache and one without
    await initBackend('cpu');
    const model = await loadModel(DEFAULT_MODEL_DIR);
    const cached = new LstmGenerator(model);
    const uncached = new LstmGenerator(model, {}, { prefixCache: 0 });
    cleanup.push(async () => (cached.dispose(), uncached.dispose(), model.dispose()));
    const messages = ['Hi, where is my order?', 'It is order 48213.', 'Can I change the address?'];
    const converse = async (generator: LstmGenerator) => {
      const store = await openStore(await tempDir());
      cleanup.push(() => store.close());
      const engine = createEngine({ generator, store, clock: createFakeClock(), tickIntervalMs: false });
      const said = [];
      for (const text of messages) said.push(await readReply(await engine.handle({ channel: 'test', conversationId: 'c', userId: 'u1', text, receivedAt: new Date() })));
      return said.map((r) => [r.kind, r.text]);
    };

    // Act
    const withCache = await converse(cached);
    const without = await converse(uncached);

    // Assert: the same answers; every message after a model reply read only its new turn
    expect(withCache).toEqual(without);
    const followingReplies = withCache.slice(0, -1).filter(([kind]) => kind === 'reply').length;
    expect(followingReplies).toBeGreaterThan(0);
    expect(cached.cacheStats()).toMatchObject({ hits: followingReplies, misses: messages.length - followingReplies });
  });

  it('`colloquy chat` with piped input prints one line per input line and logs to --data-dir', async () => {
    const dir = await tempDir();
    const run = promisify(execFile);
    const child = run(process.execPath, [path.join(PROJECT_ROOT, 'bin/colloquy.js'), 'chat', '--backend', 'cpu', '--data-dir', dir], { cwd: PROJECT_ROOT, env: { ...process.env, COLLOQUY_LOG_LEVEL: 'warn' } });
    child.child.stdin!.end('hi\n/help\n\nwhere is my order?\n');

    const { stdout } = await child;

    const lines = stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('/agent');
    const store = await openStore(dir);
    cleanup.push(() => store.close());
    const listed = [];
    for await (const s of store.list({ channel: 'terminal' })) listed.push(s);
    expect(listed).toHaveLength(1);
    expect(listed[0].turns).toBe(6); // the empty line is answered but not logged
  });
});
