/** The `colloquy` command as tests run it: a real child process of `node bin/colloquy.js`. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './tiny.ts';

export const BIN = path.join(PROJECT_ROOT, 'bin', 'colloquy.js');

/** A stack trace line: users should see `error:`/`hint:` lines, never one of these. */
export const STACK_TRACE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `colloquy <args>` in the project root; `env` is added to (undefined values removed from) this process's environment. */
export function startColloquy(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: merged, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `colloquy <args>` to completion with `input` on stdin (closed right away when empty). */
export function runColloquy(args: string[], { input = '', env = {} }: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = startColloquy(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(input);
  });
}
