/**
 * The conversation stores tests run against, behind one small factory: the
 * lowdb store in a temp directory, and the PostgreSQL store in a schema of
 * its own on the test database. `open()` after `close()` is a restart;
 * `cleanup()` removes the directory or the schema.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { runMigrations } from '../../src/storage/postgres/migrate.ts';
import { createPgPool } from '../../src/storage/postgres/pool.ts';
import { createPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase } from './services.ts';

export type StoreKind = 'lowdb' | 'postgres';

export interface StoreOpenOptions {
  redactLog?: boolean;
}

export interface StoreHarness {
  kind: StoreKind;
  /** Opens the store on the harness's data (again after a close: a restart). */
  open(options?: StoreOpenOptions): Promise<ConversationStore>;
  /** True when conversation `id` is on disk / in the database (read around the store). */
  isStored(id: string): Promise<boolean>;
  cleanup(): Promise<void>;
}

/** The kinds to run store-agnostic suites on, with whether to skip each. */
export const STORE_KINDS: Array<{ kind: StoreKind; skip: boolean }> = [
  { kind: 'lowdb', skip: false },
  { kind: 'postgres', skip: withoutDatabase },
];

/** A fresh harness of `kind`. */
export async function createStoreHarness(kind: StoreKind, label = 'store'): Promise<StoreHarness> {
  if (kind === 'lowdb') {
    const dir = await mkdtemp(join(tmpdir(), `colloquy-${label}-`));
    let last: Awaited<ReturnType<typeof createLowdbStore>> | undefined;
    return {
      kind,
      async open(options = {}) {
        last = await createLowdbStore({ dir, ...options });
        return last;
      },
      async isStored(id) {
        const probe = last ?? (await createLowdbStore({ dir }));
        return stat(probe.fileFor(id)).then((s) => s.isFile(), () => false);
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const schema = uniqueSchema(label);
  const admin = createPgPool({ url: testDatabaseUrl, schema, max: 2 });
  await runMigrations(admin);
  return {
    kind,
    async open(options = {}) {
      return createPostgresStore({ pool: createPgPool({ url: testDatabaseUrl, schema, max: 5 }), ...options });
    },
    async isStored(id) {
      const { rows } = await admin.query(`SELECT 1 FROM conversations WHERE record->>'id' = $1`, [id]);
      return rows.length === 1;
    },
    async cleanup() {
      await admin.end();
      await dropSchema(schema);
    },
  };
}
