import { ColloquyError } from '../../errors.ts';
import { listInstances, type InstanceReport } from '../../cluster/presence.ts';
import { describeRegistry, listDbVersions, promoteInDatabase, rollbackInDatabase } from '../../registry/database/registry-db.ts';
import { promote, rollback, type ActivationResult } from '../../registry/promote.ts';
import { openDatabase } from '../../storage/postgres/open.ts';
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
  --json               (list) print JSON
  With COLLOQUY_DATABASE_URL the registry is the database's, shared by every instance: promote and
  rollback reach all of them within seconds, and list also shows each running instance's version.`;

/** The flags `colloquy models` accepts (its --help lists each). */
export const MODELS_FLAGS = { 'models-dir': { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** Where `colloquy models` reads and changes versions: the models directory, or the database when one is configured. */
interface RegistryAccess {
  where: string;
  list(): Promise<ModelVersion[]>;
  promote(wanted: string, force: boolean): Promise<ActivationResult>;
  rollback(): Promise<ActivationResult>;
  /** The running instances and what each serves (database only). */
  instances?(): Promise<InstanceReport[]>;
  close(): Promise<void>;
}

async function openRegistry(ctx: CliContext, modelsDir: string): Promise<RegistryAccess> {
  if (!ctx.env.database) {
    return { where: modelsDir, list: () => listVersions(modelsDir, ctx.logger), promote: (w, force) => promote(modelsDir, w, { force }), rollback: () => rollback(modelsDir), close: async () => undefined };
  }
  const pool = await openDatabase(ctx.env.database, { logger: ctx.logger, max: 2 });
  return {
    where: describeRegistry(pool),
    list: () => listDbVersions(pool),
    promote: (w, force) => promoteInDatabase(pool, w, { force }),
    rollback: () => rollbackInDatabase(pool),
    instances: () => listInstances(pool),
    close: () => pool.end(),
  };
}

/** `colloquy models`: list, promote, roll back. */
export async function modelsCommand(argv: string[], ctx: CliContext): Promise<void> {
  const [sub, ...rest] = argv;
  const wanted = sub === 'promote' && rest[0] !== undefined && !rest[0].startsWith('-') ? rest.shift() : undefined;
  const f = parseFlags(rest, MODELS_FLAGS);
  if (sub !== undefined && !['list', 'promote', 'rollback'].includes(sub)) throw new ColloquyError('usage', `Unknown models command "${sub}"`, 'Use colloquy models list | promote <version> | rollback.');
  if (sub === 'promote' && !wanted) throw new ColloquyError('usage', 'colloquy models promote needs a version', 'Example: colloquy models promote 3f9a0c1b2d4e (see colloquy models list).');
  const registry = await openRegistry(ctx, (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir);
  try {
    if (sub === 'promote') {
      const r = await registry.promote(wanted!, f.force === true);
      ctx.print(r.changed ? `${r.active.name} (version ${r.active.version}) is now active; was ${r.previous}.` : `${r.active.name} (version ${r.active.version}) is already active.`);
      if (r.changed && registry.instances) ctx.print('Every running instance switches within seconds: colloquy models list shows what each serves.');
      return;
    }
    if (sub === 'rollback') {
      const r = await registry.rollback();
      ctx.print(`Rolled back: ${r.active.name} (version ${r.active.version}) is active again; ${r.previous} is retired.`);
      return;
    }
    const versions = await registry.list();
    const instances = (await registry.instances?.()) ?? undefined;
    if (f.json) return ctx.print(JSON.stringify(instances ? { versions: versions.map(({ lineage: _l, ...v }) => v), instances } : versions.map(({ lineage: _l, ...v }) => v), null, 2));
    if (versions.length === 0) ctx.print(`No model versions in ${registry.where}.`);
    else for (const line of formatVersions(versions)) ctx.print(line);
    if (instances) for (const line of formatInstances(instances, versions.find((v) => v.status === 'active'))) ctx.print(line);
  } finally {
    await registry.close();
  }
}

/** The running instances and the version each serves, flagging any not on the active one. */
export function formatInstances(instances: InstanceReport[], active: ModelVersion | undefined): string[] {
  if (instances.length === 0) return ['', 'instances: none has reported in the last hour.'];
  const lines = instances.map((i) => {
    const state = !i.alive ? `gone (last seen ${i.seenAt.slice(0, 19).replace('T', ' ')} UTC)` : active && i.modelVersion !== active.version ? `NOT on the active version ${active.name}` : 'ok';
    return `  ${i.instanceId}  ${i.modelName} (${i.modelVersion})  ${state}${i.leaderOf.length ? `  leader: ${i.leaderOf.join(', ')}` : ''}`;
  });
  return ['', 'instances (serving):', ...lines];
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
