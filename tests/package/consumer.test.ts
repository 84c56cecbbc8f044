/**
 * Colloquy as a package: `npm pack` (which builds dist/ through prepack), install the tarball in a
 * throwaway consumer package, and run the README's library example there — it must answer a
 * message. Offline: the tarball is unpacked as npm would, and colloquy's dependencies are linked
 * from this project's node_modules instead of being fetched. Also type-checks a TypeScript consumer
 * against the shipped declarations, and runs the `colloquy` bin from the installed package.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/tiny.ts';

const run = promisify(execFile);
const PACK_TIMEOUT_MS = 280_000;
let consumer: string;
let installed: string;

/** The README's library example: the js block after the `library-example` marker. */
async function readmeExample(): Promise<string> {
  const readme = await fs.readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /<!-- library-example[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no <!-- library-example --> js block');
  return block[1];
}

/** Unpacks the tarball as node_modules/colloquy and links every installed dependency beside it. */
async function install(tarball: string): Promise<void> {
  const modules = path.join(consumer, 'node_modules');
  installed = path.join(modules, 'colloquy');
  await fs.mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const dep of await fs.readdir(path.join(PROJECT_ROOT, 'node_modules'))) {
    if (dep === 'colloquy' || dep.startsWith('.')) continue;
    await fs.symlink(path.join(PROJECT_ROOT, 'node_modules', dep), path.join(modules, dep));
  }
}

beforeAll(async () => {
  consumer = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-consumer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', consumer], { cwd: PROJECT_ROOT, timeout: PACK_TIMEOUT_MS, maxBuffer: 64 << 20 });
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  await fs.writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { colloquy: `file:${filename}` } }));
  await install(path.join(consumer, filename));
}, PACK_TIMEOUT_MS + 20_000);

afterAll(() => (consumer ? fs.rm(consumer, { recursive: true, force: true }) : undefined));

describe('the packed package', () => {
  it('ships the compiled code, declarations, the bundled model and the web assets, but no sources or tests', async () => {
    const has = (p: string) => fs.access(path.join(installed, p)).then(() => true, () => false);

    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/training.d.ts', 'dist/adapters/web/index.js', 'dist/adapters/web/public/widget.js', 'dist/src/ops/public/admin.html', 'models/default/weights.bin', 'bin/colloquy.js']) {
      expect(await has(file), file).toBe(true);
    }
    for (const absent of ['src', 'tests', 'bench', 'scratch', 'conversations/c']) expect(await has(absent), absent).toBe(false);
  });

  it("runs the README's library example in a consumer package and answers the message", async () => {
    await fs.writeFile(path.join(consumer, 'example.mjs'), await readmeExample());

    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: consumer, timeout: 90_000 });

    const [answer, summary] = stdout.trim().split('\n');
    expect(answer.trim().length).toBeGreaterThan(5);
    expect(summary).toMatch(/^\((reply|fallback), turn t_\S+\)$/);
    const index = await fs.readFile(path.join(consumer, 'conversations', 'index.jsonl'), 'utf8');
    expect(index).toContain('c-1');
  });

  it('gives TypeScript consumers the declarations of every entry point', () => {
    const file = path.join(consumer, 'check.ts');
    const source = `
      import { createEngine, isColloquyError, type Engine, type ChannelPlugin, type ErrorCode } from 'colloquy';
      import { readCorpus, trainModel } from 'colloquy/training';
      import { BUILTIN_CHANNELS } from 'colloquy/channels';
      import { createWebServer } from 'colloquy/channels/web';
      import { terminalChannel } from 'colloquy/channels/terminal';
      const code: ErrorCode = 'storage_write_failed';
      const plugins: readonly ChannelPlugin[] = [...BUILTIN_CHANNELS, terminalChannel];
      export const used = [createEngine, isColloquyError, readCorpus, trainModel, createWebServer, code, plugins] as const;
      export type E = Engine;
      // @ts-expect-error a misspelt code does not compile for package users either
      export const wrong: ErrorCode = 'storage_writ_failed';
    `;
    const host = ts.createCompilerHost({});
    const readFile = host.readFile;
    host.readFile = (f) => (f === file ? source : readFile(f));
    host.fileExists = ((exists) => (f: string) => f === file || exists(f))(host.fileExists);
    const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] }, host);

    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));

    expect(problems).toEqual([]);
  });

  it('runs the colloquy bin from the installed package (compiled code, no tsx)', async () => {
    const help = await run(process.execPath, [path.join(installed, 'bin', 'colloquy.js'), 'chat', '--help'], { cwd: consumer });
    expect(help.stdout).toContain('colloquy chat');

    const chat = await run('sh', ['-c', `printf 'where is my order?\\n' | "${process.execPath}" "${path.join(installed, 'bin', 'colloquy.js')}" chat --no-log`], { cwd: consumer, timeout: 90_000 });
    expect(chat.stdout.trim().split('\n')).toHaveLength(1);
    expect(chat.stdout.trim().length).toBeGreaterThan(5);
  });

  it('logs the installed bin\'s conversations in the working directory, not inside node_modules', async () => {
    const work = path.join(consumer, 'work');
    await fs.mkdir(work);

    await run('sh', ['-c', `printf 'hello\\n' | "${process.execPath}" "${path.join(installed, 'bin', 'colloquy.js')}" chat`], { cwd: work, timeout: 90_000 });

    expect(await fs.readFile(path.join(work, 'conversations', 'index.jsonl'), 'utf8')).toContain('terminal');
    await expect(fs.access(path.join(installed, 'conversations', 'index.jsonl'))).rejects.toThrow();
  });
});
