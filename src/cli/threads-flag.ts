import { ColloquyError } from '../errors.ts';

/**
 * Takes the global `--threads N` (wasm threads, any command) out of the
 * arguments. @returns the count when given, and the other arguments
 * @example takeThreadsFlag(['--threads', '2', '--port', '0']) // { threads: 2, argv: ['--port', '0'] }
 */
export function takeThreadsFlag(argv: string[]): { threads?: number; argv: string[] } {
  const out: string[] = [];
  let threads: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const inline = a.startsWith('--threads=') ? a.slice('--threads='.length) : undefined;
    if (a !== '--threads' && inline === undefined) {
      out.push(a);
      continue;
    }
    const raw = inline ?? argv[++i];
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n) || n < 1 || n > 64) {
      throw new ColloquyError('usage', `--threads must be an integer from 1 to 64, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`, 'Use --threads 2 on a 2-core machine; leave it out to keep wasm threads off.');
    }
    threads = n;
  }
  return { threads, argv: out };
}
