import { parseArgs } from 'node:util';
import { ColloquyError } from '../errors.ts';

/** A command's flags as `parseArgs` takes them (named here so the build can emit declarations). */
export type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** What parsing yields: each flag given, as a string or (for boolean flags) true. */
export type FlagValues<O extends Options> = { -readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

/** Parses a command's flags; unknown flags are an error naming the flag. */
export function parseFlags<O extends Options>(argv: string[], options: O): FlagValues<O> {
  return parseCommandLine(argv, options, false).values;
}

/** Parses a command's flags and its positional arguments (`colloquy delete-user <id> --data-dir D`). */
export function parseCommandLine<O extends Options>(argv: string[], options: O, allowPositionals = true): { values: FlagValues<O>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true }) as { values: FlagValues<O>; positionals: string[] };
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
