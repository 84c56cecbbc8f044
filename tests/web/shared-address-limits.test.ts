/**
 * Issue 17 #11: rate limits were per IP across the whole API, so 50 people
 * behind one office NAT got 10 of 250 messages through. One widget user is
 * limited per conversation; the per-IP limit is an outer bound sized for a
 * shared address. Behind a proxy, COLLOQUY_TRUST_PROXY makes it per client.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webChannel } from '../../adapters/web/plugin.ts';
import { createEngine, createLowdbStore, type Engine } from '../../src/index.ts';
import { createScriptedGenerator } from '../engine/helpers/scripted-generator.ts';
import { listenForTest, type TestServer } from './helpers.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TestServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-nat-'));
  const store = await createLowdbStore({ dir, durable: false });
  const engine = createEngine({ generator: createScriptedGenerator(), store, tickIntervalMs: false });
  server = await listenForTest({ dir, engine, store });
  return server;
}

async function open(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/conversations`, { method: 'POST', headers });
  const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
  return { conversationId, token };
}

const send = (url: string, c: { conversationId: string; token: string }, text: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/conversations/${c.conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}`, ...headers },
    body: JSON.stringify({ text }),
  }).then(async (res) => (await res.text(), res.status));

describe('rate limits behind one shared address', () => {
  it('50 people behind one NAT get all 250 of their messages through', async () => {
    const { url } = await start();
    const people = await Promise.all(Array.from({ length: 50 }, () => open(url)));
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) statuses.push(...(await Promise.all(people.map((p) => send(url, p, `question ${round}`)))));
    expect(statuses.filter((s) => s === 200)).toHaveLength(250);
  }, 120_000);

  it('one conversation is still held to its own limit', async () => {
    const { url } = await start();
    const c = await open(url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await send(url, c, `spam ${i}`));
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  }, 60_000);

  it('COLLOQUY_TRUST_PROXY=1 gives each client behind the proxy its own per-IP budget', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-proxy-'));
    const store = await createLowdbStore({ dir, durable: false });
    const engine: Engine = createEngine({ generator: createScriptedGenerator(), store, tickIntervalMs: false });
    const channel = webChannel.fromConfig({ COLLOQUY_TRUST_PROXY: '1', COLLOQUY_SECRET: 'x'.repeat(40) })!;
    const running = await channel.start({ engine, logger: { debug() {}, info() {}, warn() {}, error() {} }, host: '127.0.0.1', port: 0, dataDir: dir });
    try {
      const url = /(http:\/\/\S+?)\//.exec(running.banner!)![1];
      // one client exhausting the per-IP budget (600) does not block another behind the same proxy
      const statuses = await Promise.all(Array.from({ length: 700 }, () => fetch(`${url}/api/conversations`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.7' } }).then((r) => r.status)));
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect((await fetch(`${url}/api/conversations`, { method: 'POST', headers: { 'x-forwarded-for': '198.51.100.2' } })).status).toBe(201);
    } finally {
      await running.stop();
      await engine.close();
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
