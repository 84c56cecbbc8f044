/** Error codes are a closed union: a misspelt code is a compile error, not a check that silently never matches. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ColloquyError, isColloquyError } from '../../src/errors.ts';
import { PROJECT_ROOT } from '../helpers/tiny.ts';

let scratch: string;
afterAll(() => (scratch ? fs.rm(scratch, { recursive: true, force: true }) : undefined));
const ERRORS_MODULE = path.join(PROJECT_ROOT, 'src', 'errors.ts');

/** Type-checks a snippet that imports src/errors.ts; returns the compiler's messages. */
async function typeErrorsOf(snippet: string): Promise<string[]> {
  scratch ??= await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-error-codes-'));
  const file = path.join(scratch, `snippet-${Math.random().toString(36).slice(2)}.ts`);
  await fs.writeFile(file, `import { ColloquyError, isColloquyError } from ${JSON.stringify(ERRORS_MODULE)};\n${snippet}\n`);
  const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, allowImportingTsExtensions: true, types: [] });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('error codes', () => {
  it('compile when spelt right and fail to compile when misspelt', async () => {
    expect(await typeErrorsOf(`new ColloquyError('corpus_empty', 'x'); isColloquyError(new Error(), 'storage_write_failed');`)).toEqual([]);

    const misspelt = await typeErrorsOf(`new ColloquyError('corpus_emtpy', 'x');`);
    const misspeltCheck = await typeErrorsOf(`isColloquyError(new Error(), 'storage_writ_failed');`);

    expect(misspelt.join('\n')).toContain(`'"corpus_emtpy"' is not assignable`);
    expect(misspeltCheck.join('\n')).toContain(`'"storage_writ_failed"' is not assignable`);
  });

  it('carry the colloquy_ prefix, the hint and the cause', () => {
    const cause = new Error('EACCES');
    const err = new ColloquyError('storage_open_failed', 'Could not open the log', 'Check permissions', { cause });

    expect(err.code).toBe('colloquy_storage_open_failed');
    expect(err.hint).toBe('Check permissions');
    expect(err.cause).toBe(cause);
    expect(isColloquyError(err, 'storage_open_failed')).toBe(true);
    expect(isColloquyError(err, 'storage_write_failed')).toBe(false);
  });
});
