/**
 * The summary index beside the conversation files: `index.jsonl`, an
 * append-only log of one-line entries, replayed into a map at open.
 *
 *   {"begin":"<id>"}      a write to <id> is about to happen
 *   {"put":{...summary}}  the write landed; this is the new summary
 *   {"del":"<id>"}        the conversation was deleted
 *
 * A `begin` with no later `put`/`del` marks a write interrupted by a crash:
 * that one conversation is re-read from its file at the next open. Lines are
 * written with a synchronous `write(2)`, so a line is in the kernel before the
 * conversation file is touched and survives the process being killed. The log
 * is compacted when it holds more than twice as many lines as live entries,
 * and rebuilt from the conversation files when missing or unreadable.
 */
import { appendFileSync, closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, readFile, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessRunning } from '../util/process-alive.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { ConversationRecord, ConversationSummary, ListFilter } from './types.ts';

/**
 * The summary of one conversation, as the index keeps it. Pure.
 *
 * @example
 * const s = summarize(record); // s.turns, s.minConfidence, s.feedbackDown, s.handoffState
 */
export function summarize(record: ConversationRecord): ConversationSummary {
  let minConfidence: number | undefined;
  let fallbacks = 0;
  let feedbackUp = 0;
  let feedbackDown = 0;
  for (const t of record.turns) {
    if (t.speaker === 'bot' && typeof t.confidence === 'number' && (minConfidence === undefined || t.confidence < minConfidence)) minConfidence = t.confidence;
    if (t.fallback) fallbacks++;
    if (t.feedback?.value === 'up') feedbackUp++;
    if (t.feedback?.value === 'down') feedbackDown++;
  }
  const summary: ConversationSummary = {
    id: record.id, channel: record.channel, userId: record.userId, createdAt: record.createdAt, updatedAt: record.updatedAt,
    turns: record.turns.length, fallbacks, feedbackUp, feedbackDown, handoffState: record.handoff?.state ?? 'none',
  };
  if (minConfidence !== undefined) summary.minConfidence = minConfidence;
  if (record.review) summary.reviewed = record.review.status;
  return summary;
}

/**
 * True when a summary passes every condition of `filter` (`limit` is not applied here).
 *
 * @example
 * matchesFilter(summary, { channel: 'slack', feedback: 'down', maxConfidence: -2 });
 */
export function matchesFilter(s: ConversationSummary, filter: ListFilter = {}): boolean {
  if (filter.channel !== undefined && s.channel !== filter.channel) return false;
  if (filter.userId !== undefined && s.userId !== filter.userId) return false;
  const at = Date.parse(s.updatedAt);
  if (filter.from && !(at >= filter.from.getTime())) return false;
  if (filter.to && !(at <= filter.to.getTime())) return false;
  if (filter.feedback === 'up' && s.feedbackUp === 0) return false;
  if (filter.feedback === 'down' && s.feedbackDown === 0) return false;
  if (filter.feedback === 'any' && s.feedbackUp + s.feedbackDown === 0) return false;
  if (filter.handoffState !== undefined && s.handoffState !== filter.handoffState) return false;
  if (filter.maxConfidence !== undefined && !(s.minConfidence !== undefined && s.minConfidence <= filter.maxConfidence)) return false;
  if (filter.reviewed !== undefined && (s.reviewed !== undefined) !== filter.reviewed) return false;
  return true;
}

/**
 * How the index is opened. `scan` and `resummarize` read conversation files;
 * the index itself never does.
 *
 * @example
 * const index = await openIndex({ file: 'conversations/index.jsonl', scan, resummarize, logger });
 */
export interface ConversationIndexOptions {
  file: string;
  /** Every conversation's summary, from the files (used when the index is missing or corrupt). */
  scan: () => AsyncIterable<ConversationSummary>;
  /** One conversation's summary from its file, undefined when there is no file (used after an interrupted write). */
  resummarize: (id: string) => Promise<ConversationSummary | undefined>;
  logger?: Logger;
  /** Never compact a log shorter than this many lines. */
  compactMinLines?: number;
  /** Permissions of the log file (default 0600: it names every user). */
  fileMode?: number;
}

/**
 * The in-memory summary map and its log on disk.
 *
 * @example
 * index.begin(id); await writeFile(...); index.commit(summarize(record));
 * const lowConfidence = index.select({ maxConfidence: -3, limit: 20 });
 */
export interface ConversationIndex {
  readonly size: number;
  get(id: string): ConversationSummary | undefined;
  /** Summaries passing `filter`, most recently updated first, copied. */
  select(filter?: ListFilter): ConversationSummary[];
  /** Logs that a write to `id` starts. Throws when the line cannot be written. */
  begin(id: string): void;
  /** Logs the summary after a write landed. Never throws (a failure is logged; the `begin` line repairs it at the next open). */
  commit(summary: ConversationSummary): void;
  /** Logs a deletion. Never throws, like `commit`. */
  commitDelete(id: string): void;
  /** Rewrites the log with only the live entries now (after a privacy deletion, old lines must go). */
  compact(): Promise<void>;
  close(): Promise<void>;
}

type Line = { begin: string } | { put: ConversationSummary } | { del: string };

/** Removes `<file>.<pid>.compact.tmp` snapshots left by a process that died while compacting (they hold ids and user ids). */
async function removeOrphanCompactions(file: string): Promise<void> {
  const prefix = `${basename(file)}.`;
  for (const name of await readdir(dirname(file)).catch(() => [] as string[])) {
    const pid = name.startsWith(prefix) && name.endsWith('.compact.tmp') ? Number(name.slice(prefix.length, -'.compact.tmp'.length)) : NaN;
    if (Number.isInteger(pid) && !isProcessRunning(pid)) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}

/** Replays log text; undefined when a line other than a cut-off last one is unreadable. */
function replay(text: string): { map: Map<string, ConversationSummary>; pending: Set<string>; lines: number; torn: boolean } | undefined {
  const map = new Map<string, ConversationSummary>();
  const pending = new Set<string>();
  const rows = text.split('\n');
  let lines = 0;
  // A log not ending in a newline was cut mid-line: rewrite it before appending more.
  const torn = rows[rows.length - 1] !== '';
  for (let i = 0; i < rows.length; i++) {
    if (rows[i] === '') continue;
    let line: { begin?: unknown; del?: unknown; put?: { id?: unknown; updatedAt?: unknown } };
    try {
      line = JSON.parse(rows[i]);
    } catch {
      if (i === rows.length - 1) continue;
      return undefined;
    }
    if (typeof line !== 'object' || line === null) return undefined;
    lines++;
    if (typeof line.begin === 'string') pending.add(line.begin);
    else if (typeof line.del === 'string') { map.delete(line.del); pending.delete(line.del); }
    else if (line.put && typeof line.put.id === 'string' && typeof line.put.updatedAt === 'string') {
      map.set(line.put.id, line.put as unknown as ConversationSummary);
      pending.delete(line.put.id);
    } else return undefined;
  }
  return { map, pending, lines, torn };
}

/**
 * Opens (replays, repairs, compacts or rebuilds) the index log.
 *
 * @example
 * const index = await openIndex({ file: join(dir, 'index.jsonl'), scan: () => scanFiles(), resummarize: (id) => readSummary(id) });
 */
export async function openIndex({ file, scan, resummarize, logger = silentLogger, compactMinLines = 1000, fileMode = 0o600 }: ConversationIndexOptions): Promise<ConversationIndex> {
  await removeOrphanCompactions(file);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  let state = text === undefined ? undefined : replay(text);
  let rewrite = state === undefined || state.torn || state.pending.size > 0;
  if (state === undefined) {
    if (text !== undefined) logger.warn('conversation index unreadable; rebuilding it from the conversation files', { file });
    state = { map: new Map(), pending: new Set(), lines: 0, torn: false };
    for await (const s of scan()) state.map.set(s.id, s);
    if (state.map.size > 0) logger.info('rebuilt the conversation index from the files', { file, conversations: state.map.size });
  }
  const { map, pending } = state;
  for (const id of pending) {
    const s = await resummarize(id);
    if (s) map.set(id, s);
    else map.delete(id);
  }
  pending.clear();
  if (state.lines > Math.max(2 * map.size, compactMinLines)) rewrite = true;

  let lines = state.lines;
  let compacting: Promise<void> | undefined;
  let tail: string[] | undefined;

  /**
   * The live entries as log lines, built in slices so that a large index does
   * not stall the event loop. What changes meanwhile is also in `tail`, which
   * is replayed after the snapshot; `begin` lines go last so a `put` in the
   * snapshot does not settle them.
   */
  const snapshot = async (): Promise<string[]> => {
    const begun = [...pending];
    const rows: string[] = [];
    for (const s of map.values()) {
      rows.push(JSON.stringify({ put: s }) + '\n');
      if (rows.length % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const id of begun) rows.push(JSON.stringify({ begin: id }) + '\n');
    return rows;
  };

  /** Writes a snapshot beside the log, then swaps it in; lines appended meanwhile are kept in `tail` and copied over. */
  const compact = async (): Promise<void> => {
    const tmp = `${file}.${process.pid}.compact.tmp`;
    tail = [];
    try {
      const rows = await snapshot();
      const h = await open(tmp, 'w', fileMode);
      try {
        await h.writeFile(rows.join(''));
        await h.sync();
      } finally {
        await h.close();
      }
      // From here on, synchronous: no append can slip between copying the tail and the swap.
      if (tail.length > 0) appendFileSync(tmp, tail.join(''));
      renameSync(tmp, file);
      if (fd !== undefined) closeSync(fd);
      fd = openSync(file, 'a', fileMode);
      lines = rows.length + tail.length;
      tail = undefined;
      const dirHandle = await open(dirname(file), 'r');
      await dirHandle.sync().finally(() => dirHandle.close());
    } catch (err) {
      logger.warn('could not compact the conversation index; keeping the longer log', { file, error: String(err) });
      await unlink(tmp).catch(() => undefined);
    } finally {
      tail = undefined;
    }
  };

  let fd: number | undefined;
  if (rewrite) await compact();
  if (fd === undefined) fd = openSync(file, 'a', fileMode);

  const append = (line: Line): void => {
    const buf = Buffer.from(JSON.stringify(line) + '\n');
    for (let off = 0; off < buf.length; ) off += writeSync(fd!, buf, off);
    lines++;
    tail?.push(buf.toString());
    if (!compacting && lines > Math.max(2 * map.size, compactMinLines)) {
      compacting = compact().finally(() => { compacting = undefined; });
    }
  };
  const quietly = (line: Line): void => {
    try {
      append(line);
    } catch (err) {
      logger.error('could not append to the conversation index; it is repaired at the next open', { file, error: String(err) });
    }
  };

  return {
    get size() { return map.size; },
    get: (id) => { const s = map.get(id); return s && { ...s }; },
    select(filter = {}) {
      const out: ConversationSummary[] = [];
      for (const s of map.values()) if (matchesFilter(s, filter)) out.push(s);
      out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.id < b.id ? -1 : 1));
      return out.slice(0, filter.limit ?? out.length).map((s) => ({ ...s }));
    },
    begin(id) {
      append({ begin: id });
      pending.add(id);
    },
    commit(summary) {
      map.set(summary.id, { ...summary });
      pending.delete(summary.id);
      quietly({ put: summary });
    },
    commitDelete(id) {
      map.delete(id);
      pending.delete(id);
      quietly({ del: id });
    },
    async compact() {
      while (compacting) await compacting;
      compacting = compact().finally(() => { compacting = undefined; });
      await compacting;
    },
    async close() {
      await compacting;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
