/**
 * Imports question–answer tables (CSV or TSV) as two-turn dialogues. A header
 * row is required; the columns are found by name: question/answer, user/bot
 * or prompt/response (case-insensitive). An optional `id` column names rows.
 */
import { basename, extname } from 'node:path';
import { ColloquyError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { cleanText } from './clean.ts';
import { finishCorpusRead, openCorpusLines, ProblemLog, type CorpusReadResult, type ReadCorpusOptions } from './corpus-read.ts';
import type { Dialogue } from './dialogue.ts';

/** Accepted (user column, bot column) header pairs, in order of preference. */
const COLUMN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['question', 'answer'],
  ['user', 'bot'],
  ['prompt', 'response'],
];

/**
 * One parsed table record and the line it starts on.
 *
 * @example
 * const rec: TableRecord = { line: 2, fields: ['Hi, there', 'Hello'] };
 */
export interface TableRecord {
  line: number;
  fields: string[];
}

/**
 * Splits a stream of lines into records. CSV follows RFC 4180: quoted fields
 * may hold commas, doubled quotes and newlines. TSV splits on tabs; a field
 * wholly wrapped in quotes is unwrapped (as spreadsheets export it).
 * An unterminated quote yields a record with `fields` empty and `error` set.
 *
 * @example
 * for await (const rec of readTableRecords(lines, ',')) rows.push(rec.fields); // rec.line: where it starts
 */
export async function* readTableRecords(
  lines: AsyncIterable<string>,
  delimiter: ',' | '\t',
): AsyncGenerator<TableRecord & { error?: string }> {
  let lineNo = 0;
  if (delimiter === '\t') {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      yield { line: lineNo, fields: line.split('\t').map(unwrapTsvField) };
    }
    return;
  }
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldQuoted = false;
  let start = 0;
  for await (const line of lines) {
    lineNo++;
    if (!inQuotes) {
      if (line.trim() === '') continue;
      start = lineNo;
      fields = [];
      field = '';
      fieldQuoted = false;
    } else {
      field += '\n';
    }
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (inQuotes) {
        if (ch !== '"') field += ch;
        else if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else if (ch === delimiter) {
        fields.push(field);
        field = '';
        fieldQuoted = false;
      } else if (ch === '"' && field === '' && !fieldQuoted) {
        inQuotes = true;
        fieldQuoted = true;
      } else {
        field += ch;
      }
    }
    if (!inQuotes) {
      fields.push(field);
      yield { line: start, fields };
    }
  }
  if (inQuotes) yield { line: start, fields: [], error: `unterminated quoted field (opened on line ${start})` };
}

function unwrapTsvField(field: string): string {
  if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) return field.slice(1, -1).replace(/""/g, '"');
  return field;
}

/** Finds the user/bot (and optional id) column indexes in a header row. */
function findColumns(header: string[]): { user: number; bot: number; id: number } | undefined {
  const names = header.map((h) => h.trim().toLowerCase());
  for (const [u, b] of COLUMN_PAIRS) {
    const user = names.indexOf(u);
    const bot = names.indexOf(b);
    if (user >= 0 && bot >= 0) return { user, bot, id: names.indexOf('id') };
  }
  return undefined;
}

/**
 * Reads a CSV (`.csv`) or TSV (`.tsv`, or any other extension) table of
 * question–answer pairs; each row becomes a two-turn user→bot dialogue.
 * Bad rows are skipped and reported with the line they start on.
 *
 * @example
 * const { dialogues } = await importTable('faq.csv', { clean: { lowercase: true } });
 * // dialogues[0] → { id: 'faq.csv:2', turns: [{ speaker: 'user', ... }, { speaker: 'bot', ... }] }
 */
export async function importTable(file: string, opts: ReadCorpusOptions = {}): Promise<CorpusReadResult> {
  const logger = opts.logger ?? silentLogger;
  const log = new ProblemLog(file, opts.strict ?? false, logger);
  const delimiter = extname(file).toLowerCase() === '.csv' ? ',' : '\t';
  const base = basename(file);
  const dialogues: Dialogue[] = [];
  let lines = 0;
  const counted = (async function* () {
    for await (const line of await openCorpusLines(file)) {
      lines++;
      yield line;
    }
  })();
  let columns: { user: number; bot: number; id: number } | undefined;
  let width = 0;
  for await (const rec of readTableRecords(counted, delimiter)) {
    if (rec.error) {
      log.add(rec.line, rec.error);
      continue;
    }
    if (!columns) {
      columns = findColumns(rec.fields);
      width = rec.fields.length;
      if (!columns) {
        const found = rec.fields.map((f) => JSON.stringify(f.trim().slice(0, 30))).join(', ');
        throw new ColloquyError('corpus_malformed', `${file}:${rec.line}: header has no question/answer columns (found ${found})`,
          'The first row must name the columns: question,answer (or user,bot, or prompt,response).');
      }
      continue;
    }
    if (rec.fields.length !== width) {
      log.add(rec.line, `expected ${width} fields, found ${rec.fields.length}`);
      continue;
    }
    const question = cleanText(rec.fields[columns.user], opts.clean);
    const answer = cleanText(rec.fields[columns.bot], opts.clean);
    if (question === '' || answer === '') {
      log.add(rec.line, question === '' ? 'empty question after cleaning' : 'empty answer after cleaning');
      continue;
    }
    const rawId = columns.id >= 0 ? rec.fields[columns.id].trim() : '';
    dialogues.push({
      id: rawId !== '' ? rawId : `${base}:${rec.line}`,
      turns: [
        { speaker: 'user', text: question },
        { speaker: 'bot', text: answer },
      ],
    });
  }
  return finishCorpusRead(file, { dialogues, problems: log.problems, lines }, logger);
}
