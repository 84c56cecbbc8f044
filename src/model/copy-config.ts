import { ColloquyError } from '../errors.ts';

/**
 * The optional copy (pointer) mechanism of a model: each prediction may copy
 * a token from the last `window` positions of the same dialogue instead of
 * generating one from the vocabulary (pointer-sentinel mixture, Merity et al.
 * 2016; See et al. 2017).
 */
export interface CopyConfig {
  /** How many earlier positions (tokens, the current input included) a prediction may copy from. */
  window: number;
  /** Width of the attention keys and queries. */
  keyDim: number;
}

/** Key width when only the window is given: small next to H, the attention is cheap. */
export const DEFAULT_COPY_KEY_DIM = 64;

/** Validates the `copy` entry of a model config. */
export function parseCopyConfig(raw: unknown, where: string): CopyConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ColloquyError('config_invalid', `${where}: copy must be an object like {"window": 128}`);
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => k !== 'window' && k !== 'keyDim');
  if (unknown.length) throw new ColloquyError('config_invalid', `${where}: copy has unknown keys: ${unknown.join(', ')}`);
  const int = (key: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4096) throw new ColloquyError('config_invalid', `${where}: copy.${key} must be an integer in [1, 4096], got ${JSON.stringify(v)}`);
    return v;
  };
  return { window: int('window', obj.window), keyDim: int('keyDim', obj.keyDim ?? DEFAULT_COPY_KEY_DIM) };
}
