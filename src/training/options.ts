import { ColloquyError } from '../errors.ts';

/** How a model is trained. Defaults sit here with the reason for each. */
export interface TrainingOptions {
  /** Upper bound; early stopping usually ends sooner. */
  epochs: number;
  /** Parallel streams per step. 32 keeps matMuls big enough to be efficient on wasm. */
  batchSize: number;
  /** Truncated-BPTT length; state is carried across chunks, so context is longer than this. */
  seqLen: number;
  /** Adam's peak learning rate. 3e-3 trains small LSTMs fast without diverging. */
  learningRate: number;
  /** Cosine decay ends here (as a fraction of the peak). */
  minLearningRateRatio: number;
  /** Linear warm-up steps at the start of a fresh run. */
  warmupSteps: number;
  /** Global gradient-norm clip: LSTMs occasionally spike. */
  clipNorm: number;
  /** Decoupled weight decay (AdamW) on weight matrices; 0 turns it off. */
  weightDecay: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
  /** Share of dialogues held out for validation when no separate set is given. */
  validFraction: number;
  /** Seeds weights, data order and dropout: the same seed on the same backend gives the same run. */
  seed: number;
  /** Save a mid-epoch checkpoint this often (and at every epoch end). */
  checkpointMinutes: number;
  /** A turn longer than this many tokens is cut (the start is kept). */
  maxTurnTokens: number;
  /**
   * Wall-clock budget in minutes, 0 = none. When set, the learning rate decays
   * over the budget (or the epochs, whichever ends first) and the run stops
   * cleanly when it is spent: the partial epoch is validated and the best
   * weights are saved. The budget counts this invocation only (a resumed run gets it afresh).
   */
  maxMinutes: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  epochs: 20,
  batchSize: 32,
  seqLen: 32,
  learningRate: 3e-3,
  minLearningRateRatio: 0.05,
  warmupSteps: 100,
  clipNorm: 1.0,
  weightDecay: 0.01,
  patience: 2,
  validFraction: 0.05,
  seed: 1,
  checkpointMinutes: 5,
  maxTurnTokens: 128,
  maxMinutes: 0,
};

/** Merges overrides onto the defaults; unknown keys and bad values are errors. */
export function resolveTrainingOptions(overrides: Partial<Record<string, unknown>> = {}): TrainingOptions {
  const out: Record<string, number> = { ...DEFAULT_TRAINING_OPTIONS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_TRAINING_OPTIONS)) throw new ColloquyError('config_invalid', `Unknown training option "${key}"`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ColloquyError('config_invalid', `Training option ${key} must be a non-negative number, got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  const o = out as unknown as TrainingOptions;
  for (const key of ['epochs', 'batchSize', 'seqLen', 'maxTurnTokens'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new ColloquyError('config_invalid', `Training option ${key} must be a positive integer`);
  }
  if (o.validFraction >= 0.5) throw new ColloquyError('config_invalid', 'validFraction must be below 0.5');
  return o;
}

/**
 * Learning rate at a step: linear warm-up, then cosine decay to the floor.
 * @param timeFraction share of the time budget already spent (0 without a budget): the decay follows whichever of steps and time is further along
 */
export function learningRateAt(o: TrainingOptions, step: number, totalSteps: number, timeFraction = 0): number {
  if (step < o.warmupSteps) return (o.learningRate * (step + 1)) / o.warmupSteps;
  const progress = Math.min(1, Math.max(timeFraction, (step - o.warmupSteps) / Math.max(1, totalSteps - o.warmupSteps)));
  const floor = o.learningRate * o.minLearningRateRatio;
  return floor + 0.5 * (o.learningRate - floor) * (1 + Math.cos(Math.PI * progress));
}
