import { ColloquyError } from '../errors.ts';

/** How a reply is decoded. */
export interface GenerateOptions {
  /**
   * greedy: most likely token each step; sample: temperature/top-k/top-p; beam: beam search;
   * consensus: `candidates` replies, the one agreeing most with the others and with retrieved training replies (src/generation/consensus.ts).
   * Beam and consensus stream at the end.
   */
  strategy: 'greedy' | 'sample' | 'beam' | 'consensus';
  temperature: number;
  /** Sample only among the k most likely tokens (0 = no limit). */
  topK: number;
  /** Nucleus sampling: the smallest set of tokens whose probability reaches p. */
  topP: number;
  beamSize: number;
  /** Candidate replies consensus decoding chooses among. */
  candidates: number;
  /** Beam scores are divided by length^alpha, so short generic replies do not win by default. */
  lengthPenalty: number;
  /** > 1 discourages repeating tokens already in the reply. */
  repetitionPenalty: number;
  /** Reply length cap in tokens. */
  maxTokens: number;
  /** How many tokens of history the model reads (most recent turns first). */
  contextTokens: number;
  /** Seed for sampling; the same seed gives the same reply. */
  seed: number;
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  strategy: 'greedy',
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  beamSize: 4,
  candidates: 8,
  lengthPenalty: 0.6,
  repetitionPenalty: 1.2,
  maxTokens: 80,
  contextTokens: 256,
  seed: 1,
};

/** Merges overrides onto defaults and rejects values that make no sense. */
export function resolveGenerateOptions(o: Partial<GenerateOptions> = {}): GenerateOptions {
  const r = { ...DEFAULT_GENERATE_OPTIONS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as GenerateOptions;
  const bad = (what: string) => {
    throw new ColloquyError('generate_options_invalid', what);
  };
  if (!['greedy', 'sample', 'beam', 'consensus'].includes(r.strategy)) bad(`strategy must be greedy, sample, beam or consensus, got ${JSON.stringify(r.strategy)}`);
  if (!(r.temperature > 0)) bad('temperature must be above 0');
  if (!(r.topP > 0 && r.topP <= 1)) bad('topP must be in (0, 1]');
  if (!Number.isInteger(r.topK) || r.topK < 0) bad('topK must be a non-negative integer');
  if (!Number.isInteger(r.beamSize) || r.beamSize < 1 || r.beamSize > 32) bad('beamSize must be an integer in [1, 32]');
  if (!Number.isInteger(r.candidates) || r.candidates < 1 || r.candidates > 32) bad('candidates must be an integer in [1, 32]');
  if (!Number.isInteger(r.maxTokens) || r.maxTokens < 1 || r.maxTokens > 1000) bad('maxTokens must be an integer in [1, 1000]');
  if (!Number.isInteger(r.contextTokens) || r.contextTokens < 8) bad('contextTokens must be an integer ≥ 8');
  if (!(r.repetitionPenalty >= 1)) bad('repetitionPenalty must be ≥ 1');
  return r;
}
