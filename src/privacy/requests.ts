/**
 * Privacy requests handed to the running server through its data directory.
 * The server holds the log's writer lock and keeps conversations in memory, so
 * a second process deleting files would be undone by the server's next write.
 * Instead the CLI drops `requests/<id>.json` (owner-only), the server's
 * watcher runs it on its own store and answers `requests/<id>.result.json`.
 *
 *   CLI:    <id>.json  ──▶  server claims: <id>.claimed  ──▶  <id>.result.json  ──▶  CLI reads, removes
 *
 * The request file holds the user id only until the server claimed it; the
 * result holds counts only.
 */
import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ColloquyError, type ErrorCode } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { ConversationStore, DeletionReport } from '../storage/types.ts';
import { checkPrivacyRequest, runPrivacyRequest, type PrivacyRequest } from './operations.ts';

/** The commands that hold the log and run the requests dropped for them (see `watchPrivacyRequests`). */
export const WATCHING_COMMANDS: readonly string[] = ['serve', 'chat'];

/** The directory of pending requests inside a data directory. */
export const requestsDir = (dataDir: string): string => join(dataDir, 'requests');

type Outcome = { ok: true; report: DeletionReport } | { ok: false; code: string; message: string; hint?: string };

/** Results nobody came for (the CLI gave up) are removed after this long. */
const STALE_RESULT_MS = 60 * 60_000;

/** Writes `text` to `file` owner-only and atomically (a temp file renamed into place). */
async function writePrivate(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const h = await open(tmp, 'w', 0o600);
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
  await rename(tmp, file);
}

/**
 * Options of `submitPrivacyRequest`.
 *
 * @example
 * await submitPrivacyRequest('conversations', { op: 'delete-user', userId: 'u1' }, { timeoutMs: 60_000 });
 */
export interface SubmitOptions {
  /** How long to wait for the server's answer (default 60 s). */
  timeoutMs?: number;
  /** How often to look for the answer (default 100 ms). */
  pollMs?: number;
}

/**
 * Hands a request to the server running on `dataDir` and waits for its
 * report. Throws a coded error when the server fails it or does not answer.
 *
 * @example
 * const report = await submitPrivacyRequest(dataDir, { op: 'retention', cutoff: new Date(Date.now() - 90 * 86_400_000).toISOString() });
 */
export async function submitPrivacyRequest(dataDir: string, request: PrivacyRequest, { timeoutMs = 60_000, pollMs = 100 }: SubmitOptions = {}): Promise<DeletionReport> {
  const dir = requestsDir(dataDir);
  const id = randomUUID();
  const requestFile = join(dir, `${id}.json`);
  const resultFile = join(dir, `${id}.result.json`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writePrivate(requestFile, JSON.stringify(request));
  } catch (err) {
    throw new ColloquyError('privacy_request_failed', `Could not hand the request to the running server through ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'Run the command as the user the server runs as, or use the admin API (POST /admin/api/privacy/...).');
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(resultFile, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      await unlink(resultFile).catch(() => undefined);
      const outcome = JSON.parse(text) as Outcome;
      if (outcome.ok) return outcome.report;
      throw new ColloquyError(outcome.code.replace(/^colloquy_/, '') as ErrorCode, `The server could not run the request: ${outcome.message}`, outcome.hint);
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  // withdraw the request if the server never claimed it, so it does not run later unannounced
  const withdrawn = await unlink(requestFile).then(() => true, () => false);
  throw new ColloquyError(
    'privacy_request_timeout',
    withdrawn
      ? `The running server did not pick the request up within ${Math.round(timeoutMs / 1000)} s; it was withdrawn, nothing was deleted`
      : `The running server is still working on the request after ${Math.round(timeoutMs / 1000)} s`,
    withdrawn ? 'Check that `colloquy serve` on this data directory is this version and running, or stop it and run the command again.' : 'Its log reports the outcome ("privacy request done").',
  );
}

/**
 * Options of `watchPrivacyRequests`.
 *
 * @example
 * const watcher = watchPrivacyRequests({ dataDir, store, logger });
 */
export interface WatchRequestsOptions {
  dataDir: string;
  store: ConversationStore;
  logger?: Logger;
  /** Looks for requests this often too, in case a file event is missed (default 1 s). */
  pollMs?: number;
}

/** The server side: runs the requests dropped into the data directory, one at a time. */
export interface RequestWatcher {
  /** Resolves when the requests waiting now have been handled. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Watches `<dataDir>/requests/` and runs each request on `store`, answering
 * with a result file. Requests waiting from before the start run first.
 *
 * @example
 * const watcher = await watchPrivacyRequests({ dataDir: 'conversations', store, logger });
 * // ... on shutdown
 * await watcher.stop();
 */
export async function watchPrivacyRequests({ dataDir, store, logger = silentLogger, pollMs = 1000 }: WatchRequestsOptions): Promise<RequestWatcher> {
  const dir = requestsDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  const handle = async (name: string): Promise<void> => {
    const id = name.slice(0, -'.json'.length);
    const claimed = join(dir, `${id}.claimed`);
    try {
      await rename(join(dir, name), claimed); // withdrawn or taken meanwhile: nothing to do
    } catch {
      return;
    }
    let outcome: Outcome;
    try {
      const request = checkPrivacyRequest(JSON.parse(await readFile(claimed, 'utf8')));
      const report = await runPrivacyRequest(store, request);
      outcome = { ok: true, report };
      logger.info('privacy request done', { op: request.op, ...report });
    } catch (err) {
      const e = err as Partial<ColloquyError>;
      outcome = { ok: false, code: e.code ?? 'colloquy_privacy_request_failed', message: e.message ?? String(err), ...(e.hint ? { hint: e.hint } : {}) };
      logger.error('privacy request failed', { code: outcome.code, error: outcome.message });
    }
    await writePrivate(join(dir, `${id}.result.json`), JSON.stringify(outcome)).catch((err) => logger.error('could not answer a privacy request', { error: String(err) }));
    await unlink(claimed).catch(() => undefined);
  };

  /** Handles every waiting request; removes leftovers (a crash's temp files and claims, results nobody read). */
  const sweep = async (): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (stopped) return;
      if (/^[0-9a-f-]{36}\.json$/.test(name)) await handle(name);
      else if (name.endsWith('.tmp') || name.endsWith('.claimed') || name.endsWith('.result.json')) {
        const file = join(dir, name);
        const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > STALE_RESULT_MS || (!name.endsWith('.result.json') && age > 60_000)) await unlink(file).catch(() => undefined);
      }
    }
  };
  const schedule = (): Promise<void> => {
    chain = chain.then(sweep).catch((err) => logger.error('privacy request watcher failed', { error: String(err) }));
    return chain;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => void schedule());
    watcher.on('error', () => undefined); // the poll below still runs
  } catch {
    watcher = undefined;
  }
  const timer = setInterval(() => void schedule(), pollMs);
  timer.unref();
  await schedule();

  return {
    drain: () => schedule(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
      await chain;
    },
  };
}
