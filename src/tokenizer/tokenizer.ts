/**
 * The Tokenizer: byte-level BPE with special tokens for dialogue structure.
 * Ids 0–4 are the specials, 5–260 the 256 bytes, then one id per merge, so no
 * input is ever unknown. Saved as compact JSON inside a model directory.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError, isColloquyError } from '../errors.ts';
import { countWords, learnMerges, pairKey, PAIR_BASE, type MergePair } from './bpe-train.ts';
import { prepareTurn, pretokenize, type DigitStyle } from './pretokenize.ts';
import { createByteStreamDecoder, type StreamDecoder } from './stream-decoder.ts';

export type { StreamDecoder } from './stream-decoder.ts';

/** Special tokens, ids 0..4 in this order. */
export const SPECIAL_TOKENS = ['<pad>', '<dlg>', '<user>', '<bot>', '<eot>'] as const;

/** One of the special token strings. */
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/**
 * Specials added after the first five, each appended as the LAST id of the
 * vocabulary (after the merges) so a model trained without it keeps every id:
 * `<act>` opens an action turn (a backend call's results the model reads).
 * Tokenizer files without `extraSpecials` are the older form and still load.
 */
export const ACTION_TOKEN = '<act>';

/** Options for {@link Tokenizer.train}. */
export interface TokenizerTrainOptions {
  /** Upper bound on the ids before `<act>`: the 5 specials, 256 bytes and the merges; `<act>` is one more. Default 4000. */
  vocabSize: number;
  /** Stop merging when the best pair occurs fewer times than this; default 2. */
  minPairCount?: number;
}

const FORMAT = 'colloquy-bpe';
/**
 * The file version of each digit style. Version 2: a space before a digit is a token of its
 * own (see `DigitStyle`); version 1 files (the first digit carries the space) still load and
 * encode as they were trained.
 */
const VERSION_OF_DIGITS: Record<DigitStyle, number> = { attached: 1, bare: 2 };
const BYTE_OFFSET = SPECIAL_TOKENS.length;
const FIRST_MERGE_ID = BYTE_OFFSET + 256;
const CACHE_LIMIT = 50_000;
const UTF8 = new TextEncoder();
const CORRUPT_HINT = 'Re-train the model or restore its directory from a backup.';

/** A trained byte-level BPE tokenizer. Build with {@link Tokenizer.train}, {@link Tokenizer.load} or {@link Tokenizer.fromJSON}. */
export class Tokenizer {
  /** Number of token ids (specials + 256 bytes + merges). */
  readonly vocabSize: number;
  /** Id of `<pad>` (0): padding in batches. */
  readonly pad: number = 0;
  /** Id of `<dlg>` (1): start of a dialogue. */
  readonly dlg: number = 1;
  /** Id of `<user>` (2): a user turn follows. */
  readonly user: number = 2;
  /** Id of `<bot>` (3): a bot turn follows. */
  readonly bot: number = 3;
  /** Id of `<eot>` (4): end of turn. */
  readonly eot: number = 4;
  /** Id of `<act>` (the last id): an action turn follows. Undefined for tokenizers trained before action turns existed. */
  readonly act: number | undefined;

  /** How numbers are pre-tokenized: `'bare'` for tokenizers trained now, `'attached'` for version 1 files. */
  readonly digits: DigitStyle;

  private readonly merges: readonly MergePair[];
  private readonly ranks = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  private constructor(merges: readonly MergePair[], hasActionToken: boolean, digits: DigitStyle) {
    this.merges = merges;
    this.digits = digits;
    this.vocabSize = FIRST_MERGE_ID + merges.length + (hasActionToken ? 1 : 0);
    this.act = hasActionToken ? FIRST_MERGE_ID + merges.length : undefined;
    for (let i = 0; i < BYTE_OFFSET; i++) this.tokenBytes.push(new Uint8Array(0));
    for (let b = 0; b < 256; b++) this.tokenBytes.push(Uint8Array.of(b));
    merges.forEach(([left, right], rank) => {
      this.ranks.set(pairKey(left, right), rank);
      const a = this.tokenBytes[left];
      const b = this.tokenBytes[right];
      const joined = new Uint8Array(a.length + b.length);
      joined.set(a);
      joined.set(b, a.length);
      this.tokenBytes.push(joined);
    });
    if (hasActionToken) this.tokenBytes.push(new Uint8Array(0));
  }

  /** Trains a tokenizer on texts (one turn each), with the `<act>` special appended as its last id (so it has `vocabSize + 1` ids at most). Deterministic: the same texts and options give the same tokenizer. */
  static train(texts: Iterable<string>, opts: Partial<TokenizerTrainOptions> = {}): Tokenizer {
    const vocabSize = opts.vocabSize ?? 4000;
    const minPairCount = opts.minPairCount ?? 2;
    if (!Number.isInteger(vocabSize) || vocabSize < FIRST_MERGE_ID || vocabSize > PAIR_BASE) {
      throw new ColloquyError(
        'tokenizer_options_invalid',
        `vocabSize must be an integer from ${FIRST_MERGE_ID} to ${PAIR_BASE}, got ${vocabSize}`,
        `The vocabulary holds ${BYTE_OFFSET} special tokens and 256 bytes before any merge (and <act> after them).`,
      );
    }
    if (!Number.isInteger(minPairCount) || minPairCount < 1) {
      throw new ColloquyError('tokenizer_options_invalid', `minPairCount must be a positive integer, got ${minPairCount}`);
    }
    const merges = learnMerges(countWords(texts, 'bare'), {
      maxMerges: vocabSize - FIRST_MERGE_ID,
      minPairCount,
      byteOffset: BYTE_OFFSET,
    });
    return new Tokenizer(merges, true, 'bare');
  }

  /** Rebuilds a tokenizer from {@link Tokenizer.toJSON} output; throws ColloquyError('tokenizer_invalid') on malformed input. */
  static fromJSON(json: unknown): Tokenizer {
    const { merges, hasActionToken, digits } = parseTokenizerJson(json);
    return new Tokenizer(merges, hasActionToken, digits);
  }

  /** This tokenizer with `<act>` appended as a new last id (itself when it has one): every other id stays. */
  withActionToken(): Tokenizer {
    return this.act === undefined ? new Tokenizer(this.merges, true, this.digits) : this;
  }

  /** Reads a tokenizer JSON file; throws `model_file_missing` or `model_file_corrupt` naming the file. */
  static async load(file: string): Promise<Tokenizer> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new ColloquyError('model_file_missing', `Tokenizer file not found: ${file}`, 'Train a model first, or check the model directory path.');
      }
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ColloquyError('model_file_corrupt', `Tokenizer file ${file} is not valid JSON (${(err as Error).message})`, CORRUPT_HINT);
    }
    try {
      return Tokenizer.fromJSON(json);
    } catch (err) {
      if (isColloquyError(err, 'tokenizer_invalid')) {
        throw new ColloquyError('model_file_corrupt', `Tokenizer file ${file} is corrupt: ${err.message}`, CORRUPT_HINT);
      }
      throw err;
    }
  }

  /** Writes the tokenizer as JSON, atomically (temp file in the same directory, then rename). */
  async save(file: string): Promise<void> {
    const dir = path.dirname(file);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, JSON.stringify(this.toJSON()) + '\n', 'utf8');
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  /** Compact JSON form: `{ format: 'colloquy-bpe', version: 2 (1 for attached digits), vocabSize, specials, merges: [[left, right], ...], extraSpecials?: ['<act>'] }`. */
  toJSON(): object {
    return {
      format: FORMAT,
      version: VERSION_OF_DIGITS[this.digits],
      vocabSize: this.vocabSize,
      specials: [...SPECIAL_TOKENS],
      merges: this.merges.map(([left, right]) => [left, right]),
      ...(this.act !== undefined ? { extraSpecials: [ACTION_TOKEN] } : {}),
    };
  }

  /** Encodes one turn's text (normalized first; no specials added). Never throws for any string. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const word of pretokenize(prepareTurn(String(text)), this.digits)) {
      for (const id of this.encodeWord(word)) ids.push(id);
    }
    return ids;
  }

  /** Decodes ids to text, skipping specials and removing the one leading space encode adds. */
  decode(ids: number[]): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const id of ids) {
      const bytes = this.bytesOf(id);
      parts.push(bytes);
      length += bytes.length;
    }
    const all = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.length;
    }
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(all);
    return text.startsWith(' ') ? text.slice(1) : text;
  }

  /** Human-readable piece for debugging: the special's name, the token's text, or `<0xNN>` bytes when not valid UTF-8 alone. */
  tokenText(id: number): string {
    const bytes = this.bytesOf(id);
    if (id < BYTE_OFFSET) return SPECIAL_TOKENS[id];
    if (id === this.act) return ACTION_TOKEN;
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return Array.from(bytes, (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
    }
  }

  /** A decoder for streaming a reply token by token; its pieces concatenate to `decode()` of the same ids. */
  createStreamDecoder(): StreamDecoder {
    return createByteStreamDecoder((id) => {
      const bytes = this.bytesOf(id);
      return bytes.length === 0 ? null : bytes;
    });
  }

  /** The UTF-8 bytes of a token (empty for specials); throws `token_id_invalid` outside the vocabulary. */
  private bytesOf(id: number): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new ColloquyError('token_id_invalid', `Token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
    return this.tokenBytes[id];
  }

  /** BPE for one pre-tokenized word, cached (oldest entries evicted past CACHE_LIMIT). */
  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    let symbols = Array.from(UTF8.encode(word), (b) => b + BYTE_OFFSET);
    while (symbols.length > 1) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(pairKey(symbols[i], symbols[i + 1]));
        if (rank !== undefined && rank < bestRank) bestRank = rank;
      }
      if (bestRank === Infinity) break;
      const [left, right] = this.merges[bestRank];
      const merged: number[] = [];
      for (let i = 0; i < symbols.length; ) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          merged.push(FIRST_MERGE_ID + bestRank);
          i += 2;
        } else {
          merged.push(symbols[i++]);
        }
      }
      symbols = merged;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(word, symbols);
    return symbols;
  }
}

/** Validates tokenizer JSON and returns its merges, whether it has `<act>` and its digit style; throws ColloquyError('tokenizer_invalid'). */
function parseTokenizerJson(json: unknown): { merges: MergePair[]; hasActionToken: boolean; digits: DigitStyle } {
  const fail = (message: string): never => {
    throw new ColloquyError('tokenizer_invalid', `Invalid tokenizer JSON: ${message}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected an object');
  const obj = json as Record<string, unknown>;
  if (obj.format !== FORMAT) fail(`format must be "${FORMAT}", got ${JSON.stringify(obj.format)}`);
  const digits = (Object.keys(VERSION_OF_DIGITS) as DigitStyle[]).find((style) => VERSION_OF_DIGITS[style] === obj.version);
  if (digits === undefined) return fail(`unsupported version ${JSON.stringify(obj.version)} (expected ${Object.values(VERSION_OF_DIGITS).join(' or ')})`);
  const specials = obj.specials;
  if (!Array.isArray(specials) || specials.length !== SPECIAL_TOKENS.length || specials.some((s, i) => s !== SPECIAL_TOKENS[i])) {
    fail(`specials must be ${JSON.stringify(SPECIAL_TOKENS)}`);
  }
  const rawMerges = obj.merges;
  if (!Array.isArray(rawMerges)) return fail('merges must be an array');
  if (rawMerges.length > PAIR_BASE - FIRST_MERGE_ID) fail(`too many merges (${rawMerges.length})`);
  const seen = new Set<number>();
  const merges: MergePair[] = [];
  rawMerges.forEach((entry: unknown, i) => {
    const limit = FIRST_MERGE_ID + i;
    const isId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= BYTE_OFFSET && (v as number) < limit;
    if (!Array.isArray(entry) || entry.length !== 2 || !isId(entry[0]) || !isId(entry[1])) {
      fail(`merges[${i}] must be a pair of non-special token ids below ${limit}, got ${JSON.stringify(entry)}`);
    }
    const [left, right] = entry as [number, number];
    const key = pairKey(left, right);
    if (seen.has(key)) fail(`merges[${i}] repeats the pair [${left}, ${right}]`);
    seen.add(key);
    merges.push([left, right]);
  });
  const extras = obj.extraSpecials ?? [];
  if (!Array.isArray(extras) || extras.length > 1 || (extras.length === 1 && extras[0] !== ACTION_TOKEN)) fail(`extraSpecials must be absent or ["${ACTION_TOKEN}"]`);
  const hasActionToken = (extras as unknown[]).length === 1;
  const expected = FIRST_MERGE_ID + merges.length + (hasActionToken ? 1 : 0);
  if (obj.vocabSize !== undefined && obj.vocabSize !== expected) {
    fail(`vocabSize ${JSON.stringify(obj.vocabSize)} does not match ${FIRST_MERGE_ID} + ${merges.length} merges${hasActionToken ? ' + 1 extra special' : ''}`);
  }
  return { merges, hasActionToken, digits };
}
