/**
 * Reading and writing corpus files. The native format is JSONL, one dialogue
 * a line: `{"id": "...", "turns": [{"speaker": "user"|"bot", "text": "..."}]}`;
 * action turns are `{"speaker": "action", "name", "parameters", "results" | "error"}`.
 * `.csv` / `.tsv` question–answer tables are routed to the table importer.
 */
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { silentLogger } from '../logger.ts';
import { cleanDialogue } from './clean.ts';
import { finishCorpusRead, openCorpusLines, ProblemLog, type CorpusReadResult, type ReadCorpusOptions } from './corpus-read.ts';
import { parseActionTurn, turnToJson } from './action-text.ts';
import { normalizeSpeaker, type Dialogue, type Turn } from './dialogue.ts';
import { importTable } from './import-table.ts';

export type { CorpusProblem, CorpusReadResult, ReadCorpusOptions } from './corpus-read.ts';

/** Parses one JSONL line into a raw dialogue, or returns a problem message. */
function parseDialogueLine(line: string, fallbackId: string): Dialogue | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const obj = value as Record<string, unknown>;
  if (!Array.isArray(obj.turns)) return 'no "turns" array';
  const turns: Turn[] = [];
  for (let i = 0; i < obj.turns.length; i++) {
    const raw: unknown = obj.turns[i];
    if (typeof raw !== 'object' || raw === null) return `turn ${i + 1} is not an object`;
    const t = raw as Record<string, unknown>;
    const speaker = normalizeSpeaker(t.speaker);
    if (!speaker) return `turn ${i + 1}: unknown speaker ${JSON.stringify(t.speaker ?? null).slice(0, 40)}`;
    if (speaker === 'action') {
      const action = parseActionTurn(t);
      if (typeof action === 'string') return `turn ${i + 1}: ${action}`;
      turns.push(action);
      continue;
    }
    if (typeof t.text !== 'string') return `turn ${i + 1}: text is not a string`;
    turns.push({ speaker, text: t.text });
  }
  const id = typeof obj.id === 'string' && obj.id.trim() !== '' ? obj.id : typeof obj.id === 'number' ? String(obj.id) : fallbackId;
  const topics = Array.isArray(obj.topics) && obj.topics.every((t) => typeof t === 'string') ? (obj.topics as string[]) : undefined;
  return { id, turns, ...(topics ? { topics } : {}) };
}

/**
 * Reads a corpus file (JSONL, or CSV/TSV by extension), streaming it line by
 * line. Bad lines are skipped and reported with their 1-based line number.
 *
 * @example
 * const { dialogues, problems } = await readCorpus('data/support.jsonl', { clean: { lowercase: true } });
 */
export async function readCorpus(file: string, opts: ReadCorpusOptions = {}): Promise<CorpusReadResult> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return importTable(file, opts);
  const logger = opts.logger ?? silentLogger;
  const log = new ProblemLog(file, opts.strict ?? false, logger);
  const base = basename(file);
  const dialogues: Dialogue[] = [];
  let lineNo = 0;
  for await (const line of await openCorpusLines(file)) {
    lineNo++;
    if (line.trim() === '') continue;
    const parsed = parseDialogueLine(line, `${base}:${lineNo}`);
    if (typeof parsed === 'string') {
      log.add(lineNo, parsed);
      continue;
    }
    const cleaned = cleanDialogue(parsed, opts.clean);
    if (!cleaned) {
      log.add(lineNo, 'dialogue is empty after cleaning');
      continue;
    }
    dialogues.push(cleaned);
  }
  return finishCorpusRead(file, { dialogues, problems: log.problems, lines: lineNo }, logger);
}

/**
 * Writes dialogues as JSONL atomically: to a temporary file next to `file`,
 * then renamed over it, so readers never see a half-written corpus.
 *
 * @example
 * await writeCorpus('out/clean.jsonl', dialogues);
 */
export async function writeCorpus(file: string, dialogues: Iterable<Dialogue>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const handle = await open(tmp, 'w');
  try {
    let chunk: string[] = [];
    let size = 0;
    for (const d of dialogues) {
      const line = JSON.stringify({ id: d.id, turns: d.turns.map(turnToJson), ...(d.topics ? { topics: d.topics } : {}) }) + '\n';
      chunk.push(line);
      size += line.length;
      if (size >= 1 << 20) {
        await handle.write(chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length > 0) await handle.write(chunk.join(''));
    await handle.sync();
    await handle.close();
    await rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
