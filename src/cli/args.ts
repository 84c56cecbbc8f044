import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ColloquyError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags; unknown flags are an error naming the flag. */
export function parseFlags<O extends Options>(argv: string[], options: O) {
  return parseCommandLine(argv, options, false).values;
}

/** Parses a command's flags and its positional arguments (`colloquy delete-user <id> --data-dir D`). */
export function parseCommandLine<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new ColloquyError('usage', (err as Error).message.replace(/\. To specify.*$/, ''), 'Run `colloquy help` for the commands and their flags.');
  }
}

/** A numeric flag, or undefined when absent; a non-number is an error naming the flag. */
export function num(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new ColloquyError('usage', `--${name} must be a number, got "${String(v)}"`);
  return n;
}

/** A required string flag. */
export function required(values: Record<string, unknown>, name: string, example: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new ColloquyError('usage', `--${name} is required`, `Example: ${example}`);
  return v;
}
