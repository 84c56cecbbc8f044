/**
 * Moving versions between a models directory and the database registry:
 * `colloquy store migrate` and a first start copy the local registry in;
 * each instance copies the active version out into its own models directory
 * to load it from there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../../errors.ts';
import { readManifest } from '../../model/model-dir.ts';
import { databaseError, inTransaction, type PgPool } from '../../storage/postgres/pool.ts';
import { readLineage } from '../lineage.ts';
import { readRegistry } from '../registry-file.ts';
import { listVersions } from '../versions.ts';
import { insertVersion, readDbRegistry, readStoredVersion, type StoredFile } from './registry-db.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The files of a version directory (top level; sub-directories such as training checkpoints stay local). */
async function readVersionFiles(dir: string): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const content = await fs.readFile(path.join(dir, e.name));
    files.push({ path: e.name, sha256: sha256(content), content });
  }
  return files;
}

/**
 * Stores the version in `dir` under `name`; false when the database already
 * has it (same weights), so running this twice changes nothing.
 *
 * @example
 * await uploadVersion(pool, 'models/3f9a0c1b2d4e', '3f9a0c1b2d4e');
 */
export async function uploadVersion(pool: PgPool, dir: string, name: string): Promise<boolean> {
  const manifest = await readManifest(dir);
  const lineage = await readLineage(dir);
  const files = await readVersionFiles(dir);
  try {
    return await inTransaction(pool, (client) => insertVersion(client, name, manifest, lineage, files));
  } catch (err) {
    throw databaseError(`store model version ${name}`, err);
  }
}

/** What copying a models directory into the database did. */
export interface RegistryCopyReport {
  /** Versions stored by this run. */
  added: string[];
  /** Versions the database had already. */
  present: string[];
  /** Promotion events copied (only into a database with no history of its own). */
  events: number;
}

/**
 * Copies every version of `modelsDir` into the database, and its promotion
 * history when the database has none yet. Idempotent: run twice, nothing doubles.
 *
 * @example
 * const { added, present } = await copyRegistryToDatabase(pool, 'models');
 */
export async function copyRegistryToDatabase(pool: PgPool, modelsDir: string): Promise<RegistryCopyReport> {
  const report: RegistryCopyReport = { added: [], present: [], events: 0 };
  for (const v of await listVersions(modelsDir)) (await uploadVersion(pool, v.dir, v.name) ? report.added : report.present).push(v.name);
  const local = await readRegistry(modelsDir);
  if (!local?.history.length) return report;
  try {
    await inTransaction(pool, async (client) => {
      await client.query('LOCK TABLE model_events IN EXCLUSIVE MODE'); // two instances seeding at once: one copies, the other sees it done
      if (await readDbRegistry(client)) return;
      for (const e of local.history) {
        await client.query('INSERT INTO model_events (action, version, model_version, previous, at, note) VALUES ($1, $2, $3, $4, $5, $6)', [e.action, e.version, e.modelVersion, e.previous ?? null, e.at, e.note ?? null]);
      }
      report.events = local.history.length;
    });
  } catch (err) {
    throw databaseError('copy the promotion history', err);
  }
  return report;
}

/**
 * Makes sure `modelsDir/<name>` holds the database's version `name`,
 * downloading it when missing or different. Files are checked against their
 * hashes and the directory appears in one rename, so a half-copied model is
 * never loaded, also when instances sharing a directory download together.
 * Resolves true when it downloaded.
 */
export async function fetchVersion(pool: PgPool, name: string, modelsDir: string): Promise<boolean> {
  const target = path.join(modelsDir, name);
  const stored = await readStoredVersion(pool, name).catch((err) => {
    throw databaseError(`read model version ${name}`, err);
  });
  if (!stored) throw new ColloquyError('registry_active_missing', `The active model "${name}" is not in the database registry`, 'Promote another version: colloquy models promote <version> (see colloquy models list).');
  const have = await readManifest(target).then((m) => m.version, () => undefined);
  if (have === stored.version) return false;
  const staging = path.join(modelsDir, `${name}.staging-${randomUUID().slice(0, 8)}`);
  await fs.mkdir(staging, { recursive: true });
  try {
    for (const f of stored.files) {
      if (sha256(f.content) !== f.sha256) throw new ColloquyError('model_file_corrupt', `File ${f.path} of version ${name} does not match its hash in the database`);
      await fs.writeFile(path.join(staging, f.path), f.content);
    }
    if (have !== undefined) await fs.rename(target, `${target}.old-${randomUUID().slice(0, 8)}`); // another model under this name: kept aside, never overwritten in place
    await fs.rename(staging, target).catch(async (err: NodeJS.ErrnoException) => {
      // another instance sharing the directory got there first with the same version
      if ((await readManifest(target).then((m) => m.version, () => undefined)) !== stored.version) throw err;
    });
    return true;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
