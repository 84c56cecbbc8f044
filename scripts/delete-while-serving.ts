/**
 * The delete-while-serving scenario of issue 17: `colloquy serve` runs on a
 * temp data directory with the bundled model; web users chat with personal
 * data in their messages; one user's crash leftover (a temp file) is planted;
 * then, while that user keeps writing and being answered, `colloquy
 * delete-user` runs, and the user writes again afterwards.
 *
 * Counted for the deleted user: conversation files, temp files and index
 * lines that still hold them, and turns from before the deletion that the
 * server still serves. Baseline in the same run: another user deleted the way
 * the library did before (a second store deleting files behind the server's
 * back), then writing again.
 *
 *   npx tsx scripts/delete-while-serving.ts [--users 4] [--messages 3]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLowdbStore } from '../src/storage/lowdb-store.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'colloquy.js');

/** What is left of one deleted user. */
export interface Leftovers {
  files: number;
  tempFiles: number;
  indexLines: number;
  servedTurns: number;
}

export interface ScenarioResult {
  /** Deleted through `colloquy delete-user` (which goes through the running server). */
  throughServer: Leftovers;
  /** Baseline: deleted by a second store on the live directory, behind the server's back. */
  behindServer: Leftovers;
  /** The CLI's output line. */
  cliOutput: string;
  /** Turns of the other users before and after (nothing of theirs may be lost). */
  othersTurns: { before: number; after: number };
}

interface WebUser {
  conversationId: string;
  token: string;
  userId: string;
  /** A string that only this user's messages before the deletion contain. */
  marker: string;
}

/** Runs the scenario; `users` ≥ 3 (target, baseline, others). */
export async function runDeleteWhileServing({ users = 4, messages = 3 } = {}): Promise<ScenarioResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'colloquy-delete-scenario-'));
  const server = await startServer(dataDir);
  try {
    const people: WebUser[] = [];
    for (let i = 0; i < users; i++) people.push(await newUser(server.url, i));
    for (let m = 0; m < messages; m++) {
      await Promise.all(people.map((p) => say(server.url, p, `hi, I am ${p.marker}@example.com, card 4111.1111.1111.1111, IBAN DE89 3704 0044 0532 0130 00 (${m})`)));
    }
    const [target, baseline, ...others] = people;
    const othersBefore = await servedTurns(server.url, others);

    // a crash leftover: a temp file of the target's conversation, from a process that died mid-write
    const file = conversationFile(dataDir, target.conversationId);
    await writeFile(path.join(path.dirname(file), `.${path.basename(file)}.${deadPid()}.1.tmp`), await readFile(file));

    // delete while the target keeps writing: every reply under way when the deletion lands would write
    // the conversation back (these messages carry no marker: what counts is that nothing older returns)
    // (at most 5, spaced out: the widget's per-conversation limit allows a burst of 10)
    let deleting = true;
    const chatter = (async () => {
      for (let n = 0; n < 5 && deleting; n++) {
        await say(server.url, target, 'are you still there? my card is 4111 1111 1111 1111').catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    const deletionStartedAt = Date.now();
    const cli = await runCli(['delete-user', target.userId, '--data-dir', dataDir]);
    deleting = false;
    await chatter;
    if (cli.code !== 0) throw new Error(`colloquy delete-user failed (${cli.code}): ${cli.stderr}`);
    const throughServer = await leftoversAround(dataDir, server.url, target, deletionStartedAt);

    // baseline, measured after: the old way, a second store deleting files behind the server's back
    // (it also breaks the server's index handle, so it must not run before the measurement above)
    const baselineDeletedAt = Date.now();
    const second = await createLowdbStore({ dir: dataDir });
    await second.deleteUser(baseline.userId);
    await second.close();
    const behindServer = await leftoversAround(dataDir, server.url, baseline, baselineDeletedAt);

    return {
      throughServer,
      behindServer,
      cliOutput: cli.stdout.trim(),
      othersTurns: { before: othersBefore, after: await servedTurns(server.url, others) },
    };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * What is left of a deleted user: right after the deletion, anything that
 * mentions them (their messages' marker, or their user or conversation id in
 * a record created before the deletion began: a message that arrives once the
 * deletion is done starts a new conversation, legitimately theirs, which may
 * reuse the widget's conversation id); then, once they wrote again, anything
 * from before the deletion that came back. The larger count of each.
 */
async function leftoversAround(dataDir: string, url: string, p: WebUser, deletedAt: number): Promise<Leftovers> {
  const afterDeletion = await leftovers(dataDir, url, p, deletedAt);
  await say(url, p, 'hello again');
  const afterWritingAgain = await leftovers(dataDir, url, p);
  return {
    files: Math.max(afterDeletion.files, afterWritingAgain.files),
    tempFiles: Math.max(afterDeletion.tempFiles, afterWritingAgain.tempFiles),
    indexLines: afterDeletion.indexLines,
    servedTurns: Math.max(afterDeletion.servedTurns, afterWritingAgain.servedTurns),
  };
}

/** Counts files, temp files, index lines and served turns holding the marker (or, with `idsBefore`, the user's ids in a record created before then). */
async function leftovers(dataDir: string, url: string, p: WebUser, idsBefore?: number): Promise<Leftovers> {
  const mentionsId = (text: string) => text.includes(p.userId) || text.includes(p.conversationId);
  const mentions = (text: string) =>
    text.includes(p.marker) || (idsBefore !== undefined && mentionsId(text) && createdBefore(text, idsBefore));
  const result: Leftovers = { files: 0, tempFiles: 0, indexLines: 0, servedTurns: 0 };
  for (const e of await readdir(dataDir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const text = await readFile(path.join(e.parentPath, e.name), 'utf8').catch(() => '');
    if (e.name === 'index.jsonl') {
      result.indexLines = text.split('\n').filter(mentions).length;
    } else if (mentions(text)) {
      if (e.name.endsWith(".tmp")) result.tempFiles++;
      else result.files++;
    }
  }
  const history = await fetchJson(`${url}/api/conversations/${encodeURIComponent(p.conversationId)}/messages?limit=100`, p.token);
  result.servedTurns = (history.messages as Array<{ text: string }>).filter((t) => t.text.includes(p.marker)).length;
  return result;
}

/** Whether a record (or index line) in `text` was created before `time`. */
function createdBefore(text: string, time: number): boolean {
  return [...text.matchAll(/"createdAt":"([^"]+)"/g)].some((m) => Date.parse(m[1]) < time);
}

async function servedTurns(url: string, people: WebUser[]): Promise<number> {
  let n = 0;
  for (const p of people) n += (await fetchJson(`${url}/api/conversations/${encodeURIComponent(p.conversationId)}/messages?limit=100`, p.token)).messages.length;
  return n;
}

async function newUser(url: string, i: number): Promise<WebUser> {
  const res = await fetch(`${url}/api/conversations`, { method: 'POST' });
  const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
  const userId = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).u as string;
  return { conversationId, token, userId, marker: `person${i}-${randomBytes(4).toString('hex')}` };
}

/** Sends one widget message and reads the streamed answer to its end. */
async function say(url: string, p: WebUser, text: string): Promise<string> {
  const res = await fetch(`${url}/api/conversations/${encodeURIComponent(p.conversationId)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}` },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`message refused: ${res.status}`);
  return res.text();
}

async function fetchJson(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

const conversationFile = (dataDir: string, id: string): string => {
  const h = createHash('sha256').update(id, 'utf8').digest('hex');
  return path.join(dataDir, 'c', h.slice(0, 2), `${h}.json`);
};

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startServer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--model', path.join(ROOT, 'models', 'default'), '--backend', 'wasm'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLLOQUY_LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 120 s: ${err}`)), 120_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /Colloquy web chat: (http:\/\/\S+?)\/\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening: ${err}`));
    });
  });
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('close', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { users: { type: 'string', default: '4' }, messages: { type: 'string', default: '3' } } });
  const r = await runDeleteWhileServing({ users: Number(values.users), messages: Number(values.messages) });
  const row = (name: string, l: Leftovers) => `${name.padEnd(44)} ${String(l.files).padStart(5)} ${String(l.tempFiles).padStart(10)} ${String(l.indexLines).padStart(11)} ${String(l.servedTurns).padStart(12)}`;
  process.stdout.write([
    `colloquy delete-user said: ${r.cliOutput}`,
    `left for the deleted user                    files temp files index lines served turns`,
    row('colloquy delete-user (through the server)', r.throughServer),
    row('baseline: second store behind the server', r.behindServer),
    `other users' turns: ${r.othersTurns.before} before, ${r.othersTurns.after} after`,
  ].join('\n') + '\n');
}
