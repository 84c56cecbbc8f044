/**
 * Reading and writing corpus files. The native format is JSONL, one dialogue
 * a line: `{"id": "...", "turns": [{"speaker": "user"|"bot", "text": "..."}]}`;
 * action turns are `{"speaker": "action", "name", "parameters", "results" | "error"}`.
 * `.csv` / `.tsv` question–answer tables are routed to the table importer.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { ColloquyError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { cleanDialogue, type CleanOptions } from './clean.ts';
import { parseActionTurn, turnToJson } from './action-text.ts';
import { normalizeSpeaker, type Dialogue, type Turn } from './dialogue.ts';

/**
 * One skipped line of a corpus file: where it is and what was wrong (never the user's text).
 *
 * @example
 * const p: CorpusProblem = { file: 'chats.jsonl', line: 3, message: 'not valid JSON' };
 */
export interface CorpusProblem {
  file: string;
  /** 1-based line number (for tables: the line the row starts on). */
  line: number;
  message: string;
}

/**
 * What reading a corpus yields: the usable dialogues, the skipped lines, and how many lines were read.
 *
 * @example
 * const { dialogues, problems, lines } = await readCorpus('chats.jsonl');
 */
export interface CorpusReadResult {
  dialogues: Dialogue[];
  problems: CorpusProblem[];
  lines: number;
}

/**
 * Options shared by `readCorpus` and `importTable`.
 *
 * @example
 * await readCorpus('chats.jsonl', { strict: true, clean: { lowercase: true }, logger });
 */
export interface ReadCorpusOptions {
  /** Throw `colloquy_corpus_malformed` on the first bad line instead of skipping it. */
  strict?: boolean;
  clean?: CleanOptions;
  logger?: Logger;
}

const MALFORMED_HINT = 'Fix the line, or read without strict mode to skip bad lines.';
const WARN_LIMIT = 5;

/**
 * Collects problems while a corpus is read; in strict mode the first one throws.
 *
 * @example
 * const log = new ProblemLog('chats.jsonl', false, silentLogger);
 * log.add(3, 'not valid JSON'); // log.problems[0] → { file: 'chats.jsonl', line: 3, message: 'not valid JSON' }
 */
export class ProblemLog {
  readonly problems: CorpusProblem[] = [];

  constructor(
    private readonly file: string,
    private readonly strict: boolean,
    private readonly logger: Logger,
  ) {}

  /** Records (or, in strict mode, throws) a problem at a 1-based line. */
  add(line: number, message: string): void {
    if (this.strict) throw new ColloquyError('corpus_malformed', `${this.file}:${line}: ${message}`, MALFORMED_HINT);
    this.problems.push({ file: this.file, line, message });
    if (this.problems.length <= WARN_LIMIT) this.logger.warn('skipping bad corpus line', { file: this.file, line, problem: message });
  }
}

/**
 * Opens a corpus file as an async stream of lines (BOM stripped), failing with
 * `colloquy_corpus_missing` when the path is absent or not a file.
 *
 * @example
 * for await (const line of await openCorpusLines('chats.jsonl')) handle(line);
 */
export async function openCorpusLines(file: string): Promise<AsyncIterable<string>> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new ColloquyError('corpus_missing', `Corpus file not found: ${file} (${err.code ?? err.message})`, 'Check the path given for the corpus.');
  });
  if (!info.isFile()) throw new ColloquyError('corpus_missing', `Corpus path is not a file: ${file}`, 'Give the path of a .jsonl, .csv or .tsv file.');
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  return (async function* () {
    let first = true;
    for await (const line of rl) {
      yield first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      first = false;
    }
  })();
}

/**
 * Finishes a read: throws `colloquy_corpus_empty` when nothing usable was found
 * (saying how many lines were bad and showing the first problem), else logs a summary.
 *
 * @example
 * return finishCorpusRead('chats.jsonl', { dialogues, problems: log.problems, lines }, logger);
 */
export function finishCorpusRead(file: string, result: CorpusReadResult, logger: Logger): CorpusReadResult {
  const { dialogues, problems, lines } = result;
  if (dialogues.length === 0) {
    const first = problems[0];
    const detail = first
      ? `${problems.length} of ${lines} lines were bad; first: ${first.file}:${first.line}: ${first.message}`
      : `the file has ${lines} line(s) and no dialogues`;
    throw new ColloquyError('corpus_empty', `No usable dialogues in ${file}: ${detail}`,
      'Expected JSONL (one {"id","turns":[{"speaker","text"}]} object per line) or a CSV/TSV with question/answer columns.');
  }
  if (problems.length > WARN_LIMIT) logger.warn('more bad corpus lines skipped', { file, skipped: problems.length - WARN_LIMIT });
  logger.info('read corpus', { file, dialogues: dialogues.length, problems: problems.length, lines });
  return result;
}

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
  return { id, turns };
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
  if (ext === '.csv' || ext === '.tsv') {
    const { importTable } = await import('./import-table.ts');
    return importTable(file, opts);
  }
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
      const line = JSON.stringify({ id: d.id, turns: d.turns.map(turnToJson) }) + '\n';
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
