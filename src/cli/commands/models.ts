import { ColloquyError } from '../../errors.ts';
import { promote, rollback } from '../../registry/promote.ts';
import { listVersions, type ModelVersion } from '../../registry/versions.ts';
import { parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';

export const MODELS_USAGE = `colloquy models list | promote <version> [--force] | rollback   [--models-dir DIR]
  the model versions in models/ (newest first, with status, held-out metrics and report),
  and which one serves; a running colloquy serve switches to a promoted or rolled-back
  version between replies, without a restart
  list                 every version: active, candidate, refused (by the gate) or retired
  promote <version>    make a version active (its directory name or weights hash); --force
                       promotes one the gate refused
  rollback             make the version that was active before the current one active again
  --models-dir DIR     default: $COLLOQUY_MODELS_DIR or models/
  --json               (list) print JSON`;

/** The flags `colloquy models` accepts (its --help lists each). */
export const MODELS_FLAGS = { 'models-dir': { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** `colloquy models`: list, promote, roll back. */
export async function modelsCommand(argv: string[], ctx: CliContext): Promise<void> {
  const [sub, ...rest] = argv;
  const wanted = sub === 'promote' && rest[0] !== undefined && !rest[0].startsWith('-') ? rest.shift() : undefined;
  const f = parseFlags(rest, MODELS_FLAGS);
  const modelsDir = (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir;
  switch (sub) {
    case 'list':
    case undefined: {
      const versions = await listVersions(modelsDir, ctx.logger);
      if (f.json) return ctx.print(JSON.stringify(versions.map(({ lineage: _l, ...v }) => v), null, 2));
      if (versions.length === 0) return ctx.print(`No model versions in ${modelsDir}.`);
      for (const line of formatVersions(versions)) ctx.print(line);
      return;
    }
    case 'promote': {
      if (!wanted) throw new ColloquyError('usage', 'colloquy models promote needs a version', 'Example: colloquy models promote 3f9a0c1b2d4e (see colloquy models list).');
      const r = await promote(modelsDir, wanted, { force: f.force === true });
      ctx.print(r.changed ? `${r.active.name} (version ${r.active.version}) is now active; was ${r.previous}.` : `${r.active.name} (version ${r.active.version}) is already active.`);
      return;
    }
    case 'rollback': {
      const r = await rollback(modelsDir);
      ctx.print(`Rolled back: ${r.active.name} (version ${r.active.version}) is active again; ${r.previous} is retired.`);
      return;
    }
    default:
      throw new ColloquyError('usage', `Unknown models command "${sub}"`, 'Use colloquy models list | promote <version> | rollback.');
  }
}

/** The versions as an aligned table. */
export function formatVersions(versions: ModelVersion[]): string[] {
  const num = (x: number | undefined, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—');
  const rows = versions.map((v) => [
    v.name,
    v.name === v.version ? '' : v.version,
    v.status,
    v.createdAt.slice(0, 19).replace('T', ' '),
    num(v.metrics.perWordPerplexity, 3),
    num(v.metrics.bleu4, 2),
    v.parent ?? '',
    v.report ?? '',
  ]);
  const head = ['version', 'hash', 'status', 'created (UTC)', 'ppl/word', 'BLEU-4', 'parent', 'report'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const refused = versions.filter((v) => v.status === 'refused' && v.gate).map((v) => `  ${v.name}: ${v.gate!.message}`);
  return [line(head), ...rows.map(line), ...(refused.length ? ['', 'refused by the gate:', ...refused] : [])];
}
