import type { GenerateOptions } from '../../generation/options.ts';
import { num } from '../args.ts';

/** The decoding flags shared by chat, eval and serve. */
export const generateFlags = {
  strategy: { type: 'string' },
  'beam-size': { type: 'string' },
  candidates: { type: 'string' },
  'length-penalty': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'max-tokens': { type: 'string' },
  'context-tokens': { type: 'string' },
  seed: { type: 'string' },
} as const;

/** The grounding flags of chat and serve: actions and the fact check. */
export const groundingFlags = {
  actions: { type: 'string' },
  'no-fact-check': { type: 'boolean' },
} as const;

/** How chat and serve describe the grounding flags. */
export const GROUNDING_USAGE = `  --actions FILE       actions run before the bot answers (default: $COLLOQUY_ACTIONS, else the
                       bundled shop demo's order lookup); "none" turns them off
  --no-fact-check      send replies that state facts the conversation does not hold`;

/** The decoding flags as `--help` lists them. */
export const DECODING_USAGE = `  decoding: --strategy greedy|sample|beam|consensus --beam-size N --candidates N --length-penalty X
            --temperature X --top-k N --top-p X --repetition-penalty X --max-tokens N --context-tokens N --seed N`;

/** Decoding options from parsed flags (absent flags stay undefined, so defaults apply). */
export function generateOptionsFrom(f: Record<string, unknown>): Partial<GenerateOptions> {
  return {
    strategy: f.strategy as GenerateOptions['strategy'] | undefined,
    beamSize: num(f, 'beam-size'),
    candidates: num(f, 'candidates'),
    lengthPenalty: num(f, 'length-penalty'),
    temperature: num(f, 'temperature'),
    topK: num(f, 'top-k'),
    topP: num(f, 'top-p'),
    repetitionPenalty: num(f, 'repetition-penalty'),
    maxTokens: num(f, 'max-tokens'),
    contextTokens: num(f, 'context-tokens'),
    seed: num(f, 'seed'),
  };
}
