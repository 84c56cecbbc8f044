/** Every `colloquy <verb> --help` prints that verb's usage with each flag it parses, and exits 0. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.ts';
import { runColloquy, STACK_TRACE } from '../helpers/cli.ts';

describe('colloquy <verb> --help', () => {
  it.concurrent.each(Object.keys(COMMANDS))('%s --help lists its flags and exits 0', async (verb) => {
    const run = await runColloquy([verb, '--help']);

    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`colloquy ${verb}`)).toBe(true);
    const missing = Object.keys(COMMANDS[verb].flags).filter((flag) => !new RegExp(`--${flag}(?![\\w-])`).test(run.stdout));
    expect(missing, `flags ${verb} accepts but --help does not mention`).toEqual([]);
    expect(run.stdout).toContain('--threads');
  });

  it('-h after other flags still shows help instead of running the command', async () => {
    const run = await runColloquy(['export', '--out', 'nowhere.jsonl', '-h']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('colloquy export --out FILE');
  });
});
