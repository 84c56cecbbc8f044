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
import { normalizeText, prepareTurn, pretokenize, type DigitStyle } from './pretokenize.ts';
import { slotSpans } from './slot-spans.ts';
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

/**
 * Slot tokens follow `<act>`, one per action field the corpus's replies state
 * (`<slot:phone_number>`): a reply writes such a value as that one token, and
 * decoding fills in the value the newest action answered (see `encode`).
 */
const SLOT_TOKEN = /^<slot:([^<>\s]{1,64})>$/;
const slotToken = (field: string) => `<slot:${field}>`;

/** True when a field name can carry a slot token: 1–64 characters without spaces or angle brackets. */
export function isSlotField(field: string): boolean {
  return SLOT_TOKEN.test(slotToken(field));
}

/** The values a reply's slot tokens stand for: field → value. */
export type SlotValues = ReadonlyMap<string, string>;

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
  /** Id of `<act>` (after the merges): an action turn follows. Undefined for tokenizers trained before action turns existed. */
  readonly act: number | undefined;
  /** The action fields with a slot token, in id order after `<act>` (none for tokenizers trained without them). */
  readonly slotFields: readonly string[];

  /** How numbers are pre-tokenized: `'bare'` for tokenizers trained now, `'attached'` for version 1 files. */
  readonly digits: DigitStyle;

  private readonly merges: readonly MergePair[];
  private readonly ranks = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();
  private readonly slotIds = new Map<string, number>();

  private constructor(merges: readonly MergePair[], hasActionToken: boolean, digits: DigitStyle, slotFields: readonly string[] = []) {
    this.merges = merges;
    this.digits = digits;
    this.slotFields = hasActionToken ? slotFields : [];
    this.vocabSize = FIRST_MERGE_ID + merges.length + (hasActionToken ? 1 + this.slotFields.length : 0);
    this.act = hasActionToken ? FIRST_MERGE_ID + merges.length : undefined;
    this.slotFields.forEach((field, i) => this.slotIds.set(field, this.act! + 1 + i));
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
    for (const _ of this.slotFields) this.tokenBytes.push(new Uint8Array(0));
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
    const { merges, hasActionToken, digits, slotFields } = parseTokenizerJson(json);
    return new Tokenizer(merges, hasActionToken, digits, slotFields);
  }

  /** This tokenizer with `<act>` appended as a new last id (itself when it has one): every other id stays. */
  withActionToken(): Tokenizer {
    return this.act === undefined ? new Tokenizer(this.merges, true, this.digits) : this;
  }

  /** This tokenizer with a slot token for each of `fields` after `<act>` (replacing any it had); it must have `<act>`. */
  withSlots(fields: readonly string[]): Tokenizer {
    if (this.act === undefined) throw new ColloquyError('tokenizer_invalid', 'Slot tokens follow <act>: this tokenizer has none');
    const bad = fields.find((f) => !isSlotField(f));
    if (bad !== undefined) throw new ColloquyError('tokenizer_invalid', `A slot field must be 1–64 characters without spaces or angle brackets, got ${JSON.stringify(bad)}`);
    return new Tokenizer(this.merges, true, this.digits, [...new Set(fields)]);
  }

  /** The id of a field's slot token (undefined when it has none). */
  slotId(field: string): number | undefined {
    return this.slotIds.get(field);
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
      ...(this.act !== undefined ? { extraSpecials: [ACTION_TOKEN, ...this.slotFields.map(slotToken)] } : {}),
    };
  }

  /**
   * Encodes one turn's text (normalized first; no specials added). Never throws for any string.
   * With `slots`, a value of a field that has a slot token, standing as a whole word or phrase,
   * is encoded as that one token (a space before it stays a token of its own, as before a digit).
   */
  encode(text: string, slots?: SlotValues): number[] {
    const prepared = prepareTurn(String(text));
    const spans = slots && this.slotIds.size > 0 ? slotSpans(prepared, [...slots].filter(([field]) => this.slotIds.has(field))) : [];
    const ids: number[] = [];
    let from = 0;
    for (const span of [...spans, { at: prepared.length, end: prepared.length, key: '' }]) {
      for (const word of pretokenize(prepared.slice(from, span.at), this.digits)) {
        for (const id of this.encodeWord(word)) ids.push(id);
      }
      if (span.key) ids.push(this.slotIds.get(span.key)!);
      from = span.end;
    }
    return ids;
  }

  /** Decodes ids to text, skipping specials and removing the one leading space encode adds; a slot token becomes its value in `slots` (nothing without one). */
  decode(ids: number[], slots?: SlotValues): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const id of ids) {
      const bytes = this.bytesOf(id, slots);
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
    const field = this.slotFieldOf(id);
    if (field !== undefined) return slotToken(field);
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return Array.from(bytes, (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
    }
  }

  /** A decoder for streaming a reply token by token; its pieces concatenate to `decode()` of the same ids (and `slots`). */
  createStreamDecoder(slots?: SlotValues): StreamDecoder {
    return createByteStreamDecoder((id) => {
      const bytes = this.bytesOf(id, slots);
      return bytes.length === 0 ? null : bytes;
    });
  }

  /** The UTF-8 bytes of a token (empty for specials; a slot's value); throws `token_id_invalid` outside the vocabulary. */
  private bytesOf(id: number, slots?: SlotValues): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new ColloquyError('token_id_invalid', `Token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
    const field = this.slotFieldOf(id);
    const value = field === undefined ? undefined : slots?.get(field);
    return value === undefined ? this.tokenBytes[id] : UTF8.encode(normalizeText(value));
  }

  /** The field of a slot token's id (undefined for any other id). */
  private slotFieldOf(id: number): string | undefined {
    return this.act !== undefined && id > this.act ? this.slotFields[id - this.act - 1] : undefined;
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
function parseTokenizerJson(json: unknown): { merges: MergePair[]; hasActionToken: boolean; digits: DigitStyle; slotFields: string[] } {
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
  if (!Array.isArray(extras) || (extras.length > 0 && extras[0] !== ACTION_TOKEN)) fail(`extraSpecials must be absent or ["${ACTION_TOKEN}", "<slot:field>"…]`);
  const slotFields = (extras as unknown[]).slice(1).map((token) => (typeof token === 'string' ? SLOT_TOKEN.exec(token)?.[1] : undefined) ?? fail(`extraSpecials after "${ACTION_TOKEN}" must be slot tokens "<slot:field>", got ${JSON.stringify(token)}`));
  if (new Set(slotFields).size !== slotFields.length) fail('extraSpecials repeat a slot token');
  const hasActionToken = (extras as unknown[]).length > 0;
  const expected = FIRST_MERGE_ID + merges.length + (extras as unknown[]).length;
  if (obj.vocabSize !== undefined && obj.vocabSize !== expected) {
    fail(`vocabSize ${JSON.stringify(obj.vocabSize)} does not match ${FIRST_MERGE_ID} + ${merges.length} merges + ${(extras as unknown[]).length} extra specials`);
  }
  return { merges, hasActionToken, digits, slotFields };
}
