/**
 * What reading a corpus file shares between formats (JSONL in corpus-file.ts,
 * CSV/TSV in import-table.ts): the result and option types, the problem log,
 * line streaming and the final empty-corpus check.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ColloquyError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CleanOptions } from './clean.ts';
import type { Dialogue } from './dialogue.ts';

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
