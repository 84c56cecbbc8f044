/**
 * One error type for everything Colloquy refuses, with a stable string code
 * (`colloquy_corpus_empty`) and an optional hint for the person reading it.
 *
 * @example
 * throw new ColloquyError('model_file_missing', `No weights.bin in ${dir}`, 'Train a model first: colloquy train ...');
 *
 * Codes of the grounding work: `actions_invalid` (an actions file or action
 * declaration is wrong; the message names the file and the action).
 */
export class ColloquyError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'ColloquyError';
    this.code = `colloquy_${code}`;
    this.hint = hint;
  }
}

/** True when `err` is a ColloquyError, optionally with the given short code. */
export function isColloquyError(err: unknown, code?: string): err is ColloquyError {
  return err instanceof ColloquyError && (code === undefined || err.code === `colloquy_${code}`);
}
