/**
 * The subword tokenizer: byte-level BPE trained from the corpus, with special
 * tokens for dialogue structure. Import from here.
 */
export { ACTION_TOKEN, isSlotField, SPECIAL_TOKENS, Tokenizer } from './tokenizer.ts';
export type { SlotValues } from './tokenizer.ts';
export { slotSpans, type SlotSpan } from './slot-spans.ts';
export type { SpecialToken, TokenizerTrainOptions } from './tokenizer.ts';
export type { StreamDecoder } from './stream-decoder.ts';
export { MAX_WORD_LENGTH, normalizeText, prepareTurn, pretokenize } from './pretokenize.ts';
