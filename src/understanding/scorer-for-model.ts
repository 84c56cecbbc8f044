/**
 * Training a scorer for a model directory, as `colloquy train`, `colloquy
 * scorer` and `colloquy retrain` all do: from the bot's user turns, logging
 * each epoch, and — when the data is too small for a scorer — keeping the
 * model without one (it then answers as models always did), with a warning.
 */
import type { Dialogue } from '../data/dialogue.ts';
import { isColloquyError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { attachScorer } from '../model/model-dir.ts';
import type { Message } from './read-examples.ts';
import type { Scorer } from './scorer.ts';
import { trainScorer, type TrainScorerOptions } from './train-scorer.ts';

/** Trains a scorer on the bot's user messages, logging each epoch. */
export function trainScorerLogged(inDomain: Message[], logger: Logger, options: Omit<TrainScorerOptions, 'inDomain' | 'onEpoch'> = {}): Scorer {
  logger.info(`training the scorer on ${inDomain.length} user turns and ${options.outOfScope?.length ?? 0} out-of-scope examples (plus the built-in ones)`);
  const started = Date.now();
  return trainScorer({ ...options, inDomain, onEpoch: (epoch, loss, member) => logger.info(`scorer ${member + 1} epoch ${epoch}: loss ${loss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)} s)`) });
}

/**
 * Trains a scorer with `train` and puts it into the model directory `dir`;
 * returns undefined, after a warning, when the data is too small for one.
 */
export async function attachTrainedScorer(dir: string, train: () => Scorer | Promise<Scorer>, logger: Logger): Promise<Scorer | undefined> {
  let scorer: Scorer;
  try {
    scorer = await train();
  } catch (err) {
    if (!isColloquyError(err, 'scorer_data_too_small')) throw err;
    logger.warn(`no out-of-scope scorer: ${err.message}`);
    return undefined;
  }
  await attachScorer(dir, scorer);
  return scorer;
}

/** The user turns of dialogues, as the scorer reads them. */
export function userMessages(dialogues: readonly Dialogue[]): Message[] {
  return dialogues.flatMap((d) => d.turns.filter((t) => t.speaker === 'user' && t.text.trim()).map((t) => ({ text: t.text.trim() })));
}

/** What a replacement scorer keeps of the one it replaces: its size and its fallback rate. */
export function scorerSettingsOf(s: Scorer): Pick<TrainScorerOptions, 'dim' | 'hidden' | 'buckets' | 'members' | 'fallbackRate'> {
  return { dim: s.shape.dim, hidden: s.shape.hidden, buckets: s.buckets, members: s.networks.length, fallbackRate: s.calibration.fallbackRate };
}
