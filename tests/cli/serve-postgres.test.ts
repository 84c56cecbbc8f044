/**
 * `colloquy serve` with COLLOQUY_DATABASE_URL: two instances side by side on
 * one database (the lowdb writer lock would refuse the second), each answering
 * from the shared log — a conversation begun on one goes on on the other,
 * with the same token, as a load balancer without sticky sessions sends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, PROJECT_ROOT } from '../../src/config.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase } from '../helpers/services.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'colloquy.js');

interface Instance { child: ChildProcess; url: string; stderr: () => string }

/** Starts `colloquy serve` on a free port and resolves once it prints its URL. */
function serve(env: NodeJS.ProcessEnv, dataDir: string): Promise<Instance> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD|COLLOQUY)_/.test(k)));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: PROJECT_ROOT,
    env: { ...inherited, COLLOQUY_BACKEND: 'wasm', COLLOQUY_MODEL: DEFAULT_MODEL_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = stdout.match(/Colloquy web chat: (http:\/\/\S+?)\/\s/);
      if (m) resolve({ child, url: m[1]!, stderr: () => stderr });
    });
    child.on('close', (code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
  });
}

/** Sends a message and returns the `done` event's data. */
async function say(base: string, conversationId: string, token: string, text: string): Promise<{ kind: string; text: string }> {
  const res = await fetch(`${base}/api/conversations/${conversationId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ text }) });
  expect(res.status).toBe(200);
  const body = await res.text();
  const done = body.split('\n\n').find((block) => block.startsWith('event: done'));
  if (!done) throw new Error(`no done event in ${body}`);
  return JSON.parse(done.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
}

describe.skipIf(withoutDatabase)('colloquy serve on PostgreSQL', () => {
  const schema = uniqueSchema('serve');
  const instances: Instance[] = [];
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-serve-pg-'));
    const env = { COLLOQUY_DATABASE_URL: testDatabaseUrl, COLLOQUY_DATABASE_SCHEMA: schema };
    // both start at once: the migration lock lets one migrate while the other waits
    instances.push(...(await Promise.all([serve(env, dataDir), serve(env, dataDir)])));
  });

  afterAll(async () => {
    for (const i of instances) {
      i.child.kill('SIGTERM');
      await new Promise((r) => (i.child.exitCode !== null ? r(undefined) : i.child.once('close', r)));
    }
    await dropSchema(schema);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('a conversation started on one instance goes on on the other, and both read the same log', async () => {
    const [a, b] = instances as [Instance, Instance];
    const created = await fetch(`${a.url}/api/conversations`, { method: 'POST' });
    const { conversationId, token } = (await created.json()) as { conversationId: string; token: string };

    const first = await say(a.url, conversationId, token, 'hello, where is my order?');
    const second = await say(b.url, conversationId, token, 'it is order 4711'); // the token from a opens it on b
    expect(first.text).not.toBe('');
    expect(second.text).not.toBe('');

    for (const base of [a.url, b.url]) {
      const res = await fetch(`${base}/api/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${token}` } });
      const { messages } = (await res.json()) as { messages: Array<{ speaker: string; text: string }> };
      expect(messages.map((m) => m.speaker)).toEqual(['user', 'bot', 'user', 'bot']);
      expect(messages[2]!.text).toBe('it is order 4711');
    }
    // nothing went to the data directory's lowdb log
    expect(await fs.readdir(dataDir).then((names) => names.filter((n) => n === 'c' || n === 'index.jsonl'))).toEqual([]);
  });
});
