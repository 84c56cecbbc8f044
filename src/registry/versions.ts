/**
 * The model versions in a models directory: every complete model directory
 * (manifest.json, weights, tokenizer) with its lineage and its status.
 * Work in progress — dot-directories, `*.training`, `*.staging-*`, `*.old-*`
 * and anything without a readable manifest — is not a version.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { readManifest } from '../model/model-dir.ts';
import { readLineage, REPORT_FILE, type GateVerdict, type Lineage } from './lineage.ts';
import { activeChain, DEFAULT_VERSION_DIR, readRegistry, type RegistryFile } from './registry-file.ts';

/** `active` serves; `candidate` passed the gate (or was trained by hand) and never served; `refused` failed the gate; `retired` served before. */
export type VersionStatus = 'active' | 'candidate' | 'refused' | 'retired';

/** One model version as `colloquy models list` and the admin page show it. */
export interface ModelVersion {
  /** Directory name under the models dir: what `promote` and registry.json use. */
  name: string;
  dir: string;
  /** Manifest version (weights hash): what bot turns are logged with. */
  version: string;
  status: VersionStatus;
  createdAt: string;
  parent?: string;
  /** Manifest metrics, plus the candidate's held-out `perWordPerplexity` and `bleu4` when it went through the gate. */
  metrics: Record<string, number>;
  gate?: GateVerdict;
  lineage?: Lineage;
  /** Path of the training report, when there is one. */
  report?: string;
}

const WORK_IN_PROGRESS = /^\.|\.training$|\.staging-[^/]*$|\.old-[^/]*$/;

const exists = (p: string) => fs.stat(p).then(() => true, () => false);

/**
 * Every version in `modelsDir`, newest first.
 *
 * @example
 * for (const v of await listVersions('models')) console.log(v.name, v.status, v.metrics.perWordPerplexity);
 */
export async function listVersions(modelsDir: string, logger: Logger = silentLogger): Promise<ModelVersion[]> {
  const registry = await readRegistry(modelsDir);
  const statusOf = versionStatuses(registry);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(modelsDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ModelVersion[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || WORK_IN_PROGRESS.test(e.name)) continue;
    const dir = path.join(modelsDir, e.name);
    try {
      const manifest = await readManifest(dir);
      if (!(await exists(path.join(dir, 'weights.bin'))) || !(await exists(path.join(dir, 'tokenizer.json')))) continue;
      const lineage = await readLineage(dir);
      const report = path.join(dir, REPORT_FILE);
      const status = statusOf(e.name, lineage?.status === 'refused');
      const evalMetrics: Record<string, number> = lineage ? { perWordPerplexity: lineage.evaluation.candidate.perWordPerplexity, bleu4: lineage.evaluation.candidate.bleu4 } : {};
      out.push({
        name: e.name,
        dir,
        version: manifest.version,
        status,
        createdAt: manifest.createdAt,
        ...(lineage?.parent ? { parent: lineage.parent } : {}),
        metrics: { ...manifest.metrics, ...evalMetrics },
        ...(lineage ? { gate: lineage.evaluation.gate, lineage } : {}),
        ...((await exists(report)) ? { report } : {}),
      });
    } catch (err) {
      logger.debug('not a model version', { dir, error: (err as Error).message });
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
}

/**
 * The status rule for the versions of one registry: the active one, those
 * that served before (retired), those the gate refused, the rest (candidates).
 */
export function versionStatuses(registry: RegistryFile | undefined): (name: string, refusedByGate: boolean) => VersionStatus {
  const served = new Set(registry ? [...activeChain(registry), ...registry.history.flatMap((e) => [e.version, e.previous ?? ''])] : [DEFAULT_VERSION_DIR]);
  const active = registry?.active ?? DEFAULT_VERSION_DIR;
  return (name, refusedByGate) => (name === active ? 'active' : refusedByGate && !served.has(name) ? 'refused' : served.has(name) ? 'retired' : 'candidate');
}

/** The version `wanted` names among `all`: directory name, manifest version, or a unique prefix of at least 6 characters. */
export function pickVersion(all: ModelVersion[], wanted: string): ModelVersion | undefined {
  return all.find((v) => v.name === wanted) ?? all.find((v) => v.version === wanted) ?? (wanted.length >= 6 ? oneOf(all.filter((v) => v.name.startsWith(wanted) || v.version.startsWith(wanted))) : undefined);
}

/** The error for a version nobody has, listing the known ones. */
export function unknownVersion(where: string, wanted: string, all: ModelVersion[]): ColloquyError {
  const known = all.map((v) => `${v.name}${v.name === v.version ? '' : ` (${v.version})`} ${v.status}`);
  return new ColloquyError(
    'version_unknown',
    `There is no model version "${wanted}" in ${where}`,
    known.length ? `Known versions: ${known.join(', ')}.` : 'There are no model versions there yet: train one with `colloquy retrain` or `colloquy train --out <models dir>/<name>`.',
  );
}

/**
 * Finds a version by directory name or manifest version (a unique prefix of
 * at least 6 characters will do); an unknown one is an error listing the known ones.
 */
export async function findVersion(modelsDir: string, wanted: string): Promise<ModelVersion> {
  const all = await listVersions(modelsDir);
  const hit = pickVersion(all, wanted);
  if (hit) return hit;
  throw unknownVersion(modelsDir, wanted, all);
}

function oneOf(list: ModelVersion[]): ModelVersion | undefined {
  return list.length === 1 ? list[0] : undefined;
}

/** The model that serves: the registry's active version, else `<modelsDir>/default`. */
export interface ActiveModel {
  name: string;
  dir: string;
  registry?: RegistryFile;
}

/** Resolves the active model directory of `modelsDir`; errors name the problem and the way out. */
export async function resolveActive(modelsDir: string): Promise<ActiveModel> {
  const registry = await readRegistry(modelsDir);
  const name = registry?.active ?? DEFAULT_VERSION_DIR;
  const dir = path.join(modelsDir, name);
  if (!(await exists(path.join(dir, 'manifest.json')))) {
    throw registry
      ? new ColloquyError('registry_active_missing', `The active model "${name}" named in ${path.join(modelsDir, 'registry.json')} is missing from ${modelsDir}`, 'Promote another version: colloquy models promote <version> (see colloquy models list).')
      : new ColloquyError('registry_no_active', `No active model in ${modelsDir}: there is no registry.json and no ${DEFAULT_VERSION_DIR}/ model`, `Train one (colloquy train --data FILE --out ${dir}), or pass --model DIR.`);
  }
  return { name, dir, ...(registry ? { registry } : {}) };
}
