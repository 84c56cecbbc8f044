/**
 * The built-in examples of a person request and of frustration written beside
 * the bot's own turns. Customers say what they want a person for, or what made
 * them angry, in the same message ("need a human about my order 84420", "it
 * arrived broken, so angry"); written alone, the examples teach the scorer a
 * kind only for messages that hold nothing else, and the bot's own subjects
 * pull everything else to 'ordinary'.
 */
import type { MessageKind } from '../engine/understanding.ts';

type RareKind = Extract<MessageKind, 'asks-for-person' | 'frustrated'>;
const RARE_KINDS: readonly RareKind[] = ['asks-for-person', 'frustrated'];

/** Share of each rare kind's examples also written beside one of the bot's turns. */
const IN_CONTEXT_SHARE = 0.5;
const JOINS = ['. ', ', ', ' - ', '! ', '... ', ' '];

/**
 * About {@link IN_CONTEXT_SHARE} of the built-in examples of each rare kind,
 * each written before or after a random one of the bot's turns.
 */
export function examplesInContext(builtins: Readonly<Record<RareKind, readonly string[]>>, turns: readonly string[], rand: () => number): { text: string; kind: RareKind }[] {
  if (!turns.length) return [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  return RARE_KINDS.flatMap((kind) =>
    builtins[kind]
      .filter(() => rand() < IN_CONTEXT_SHARE)
      .map((example) => {
        const turn = pick(turns);
        return { text: rand() < 0.5 ? `${turn}${pick(JOINS)}${example}` : `${example}${pick(JOINS)}${turn}`, kind };
      }),
  );
}
