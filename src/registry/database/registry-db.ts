/**
 * The model registry in PostgreSQL, for several instances: versions with
 * their files, the promotion history (the last event names the active
 * version) and a notification on every change, so each instance switches
 * within moments. The rules — who may be promoted, where a rollback goes —
 * are the registry file's own (promote.ts); only the storage differs.
 */
import type pg from 'pg';
import { ColloquyError } from '../../errors.ts';
import type { Manifest } from '../../model/model-dir.ts';
import { databaseError, inTransaction, type PgPool } from '../../storage/postgres/pool.ts';
import type { Lineage } from '../lineage.ts';
import { planPromotion, planRollback, type ActivationResult, type PromoteOptions } from '../promote.ts';
import type { RegistryEvent, RegistryFile } from '../registry-file.ts';
import { pickVersion, unknownVersion, versionStatuses, type ModelVersion } from '../versions.ts';

/** The notification channel every instance listens on; the payload is the schema whose registry changed. */
export const MODELS_CHANNEL = 'colloquy_models';

/** Advisory lock class of registry changes (the second key is the schema's hash). */
const REGISTRY_LOCK_CLASS = 0x436f6c02;

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Where errors say the registry is. */
export function describeRegistry(pool: PgPool): string {
  return `the database registry (schema ${pool.schema})`;
}

/** The promotion history as a registry file; undefined before the first promotion (`default` serves). */
export async function readDbRegistry(db: Queryable): Promise<RegistryFile | undefined> {
  const { rows } = await db.query<{ action: RegistryEvent['action']; version: string; model_version: string; previous: string | null; at: Date; note: string | null }>('SELECT action, version, model_version, previous, at, note FROM model_events ORDER BY id');
  if (rows.length === 0) return undefined;
  const history: RegistryEvent[] = rows.map((r) => ({ action: r.action, version: r.version, modelVersion: r.model_version, ...(r.previous ? { previous: r.previous } : {}), at: r.at.toISOString(), ...(r.note ? { note: r.note } : {}) }));
  return { format: 'colloquy-registry', formatVersion: 1, active: history[history.length - 1]!.version, history };
}

/** Every version in the database, newest first, with the same statuses `colloquy models list` shows for files. */
export async function listDbVersions(db: Queryable, where = 'the database'): Promise<ModelVersion[]> {
  const registry = await readDbRegistry(db);
  const statusOf = versionStatuses(registry);
  const { rows } = await db.query<{ name: string; version: string; manifest: Manifest; lineage: Lineage | null }>('SELECT name, version, manifest, lineage FROM model_versions ORDER BY created_at DESC, name');
  return rows.map(({ name, version, manifest, lineage }) => ({
    name,
    dir: `${where}: ${name}`,
    version,
    status: statusOf(name, lineage?.status === 'refused'),
    createdAt: manifest.createdAt,
    ...(lineage?.parent ? { parent: lineage.parent } : {}),
    metrics: { ...manifest.metrics, ...(lineage ? { perWordPerplexity: lineage.evaluation.candidate.perWordPerplexity, bleu4: lineage.evaluation.candidate.bleu4 } : {}) },
    ...(lineage ? { gate: lineage.evaluation.gate, lineage } : {}),
  }));
}

/** Runs `fn` in a transaction holding the registry's lock, so concurrent promotions never interleave. */
function withDbRegistryLock<T>(pool: PgPool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REGISTRY_LOCK_CLASS, pool.schema]);
    return fn(client);
  });
}

/** Appends a promotion or rollback and notifies every instance (delivered when the transaction commits). */
async function recordEvent(client: pg.PoolClient, schema: string, e: RegistryEvent): Promise<void> {
  await client.query('INSERT INTO model_events (action, version, model_version, previous, at, note) VALUES ($1, $2, $3, $4, $5, $6)', [e.action, e.version, e.modelVersion, e.previous ?? null, e.at, e.note ?? null]);
  await client.query('SELECT pg_notify($1, $2)', [MODELS_CHANNEL, schema]);
}

/**
 * Makes a version active for every instance (name, weights hash or a unique
 * prefix). A version the gate refused needs `force`.
 *
 * @example
 * await promoteInDatabase(pool, '3f9a0c1b2d4e');
 */
export async function promoteInDatabase(pool: PgPool, wanted: string, options: PromoteOptions = {}): Promise<ActivationResult> {
  try {
    return await withDbRegistryLock(pool, async (client) => {
      const all = await listDbVersions(client);
      const target = pickVersion(all, wanted);
      if (!target) throw unknownVersion(describeRegistry(pool), wanted, all);
      const { event, result } = planPromotion(await readDbRegistry(client), target, options);
      if (event) await recordEvent(client, pool.schema, event);
      return result;
    });
  } catch (err) {
    throw databaseError('promote the model', err);
  }
}

/** Makes the version active before the current one active again, for every instance. */
export async function rollbackInDatabase(pool: PgPool, options: { now?: Date; note?: string } = {}): Promise<ActivationResult> {
  try {
    return await withDbRegistryLock(pool, async (client) => {
      const { event, result } = planRollback(await readDbRegistry(client), await listDbVersions(client), describeRegistry(pool), options);
      await recordEvent(client, pool.schema, event);
      return result;
    });
  } catch (err) {
    throw databaseError('roll the model back', err);
  }
}

/** A version's files as stored: path relative to the version directory, content and its hash. */
export interface StoredFile {
  path: string;
  sha256: string;
  content: Buffer;
}

/**
 * Adds a version and its files. Adding the same version again does nothing
 * (false); another model under an existing name is an error — a version is
 * never overwritten.
 */
export async function insertVersion(client: Queryable, name: string, manifest: Manifest, lineage: Lineage | undefined, files: StoredFile[]): Promise<boolean> {
  const added = await client.query('INSERT INTO model_versions (name, version, created_at, manifest, lineage) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING', [name, manifest.version, manifest.createdAt, manifest, lineage ?? null]);
  if (added.rowCount === 0) {
    const { rows } = await client.query<{ version: string }>('SELECT version FROM model_versions WHERE name = $1', [name]);
    if (rows[0]?.version === manifest.version) return false;
    throw new ColloquyError('version_exists', `Version ${name} already exists in the database registry with other weights (${rows[0]?.version})`, 'Give the new model another name; a version is never overwritten.');
  }
  for (const f of files) await client.query('INSERT INTO model_files (name, path, sha256, content) VALUES ($1, $2, $3, $4)', [name, f.path, f.sha256, f.content]);
  return true;
}

/** A version's manifest and files, or undefined when the database has no such version. */
export async function readStoredVersion(db: Queryable, name: string): Promise<{ version: string; files: StoredFile[] } | undefined> {
  const head = await db.query<{ version: string }>('SELECT version FROM model_versions WHERE name = $1', [name]);
  if (!head.rows[0]) return undefined;
  const { rows } = await db.query<StoredFile>('SELECT path, sha256, content FROM model_files WHERE name = $1 ORDER BY path', [name]);
  return { version: head.rows[0].version, files: rows };
}
