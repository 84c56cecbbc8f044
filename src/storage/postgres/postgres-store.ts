/**
 * The conversation log in PostgreSQL, shared by every instance: one row per
 * conversation (see migrations/001 and rows.ts), channel state beside it.
 *
 * Every `update` is one transaction holding the conversation's advisory lock,
 * so writers on different instances take turns and none overwrites another's
 * turn. `exclusive(id, task)` holds that lock for a whole task — the engine
 * answers a message inside it, so messages of one conversation are handled in
 * order even when they reach different instances. The lock lives on the
 * task's own connection (a session lock): it is released when the task ends,
 * and by the server when the process dies and its connection drops.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { ColloquyError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import { createTombstones, deleteRecordsOlderThan, deleteUserRecords, TOMBSTONE_MS } from '../deletion.ts';
import { redactText } from '../redact.ts';
import type { ConversationRecord, ConversationStore, ConversationSummary } from '../types.ts';
import { databaseError, onClientInTransaction, type PgPool } from './pool.ts';
import { SUMMARY_COLUMNS, UPSERT_SQL, keyOf, lockKeyOf, rowValues, summaryOf, whereOf, type SummaryRow } from './rows.ts';

/** The advisory lock's first key: "a conversation" (the second is the conversation's hash). */
const CONVERSATION_LOCK_CLASS = 0x436f6c02;
/** Summaries fetched per query while listing. */
const PAGE = 500;

/**
 * Options of `createPostgresStore`.
 *
 * @example
 * const opts: PostgresStoreOptions = { pool: await openDatabase(env.database), logger, redactLog: true };
 */
export interface PostgresStoreOptions {
  /** A migrated pool (see `openDatabase`). */
  pool: PgPool;
  logger?: Logger;
  /** Mask emails, phones, cards and IBANs in the log itself, not only in exports. */
  redactLog?: boolean;
  /** End the pool when the store closes (default true). */
  ownsPool?: boolean;
}

/** What the PostgreSQL store offers beyond `ConversationStore`. */
export interface PostgresStoreExtras {
  readonly pool: PgPool;
  /**
   * Runs `task` holding conversation `id`'s lock across every instance on
   * this database; the store's calls for `id` inside the task use the same
   * connection. Tasks for one id run one after another, everywhere.
   */
  exclusive<T>(id: string, task: () => Promise<T>): Promise<T>;
}

/** A connection holding one conversation's lock, and the chain of the calls made on it. */
interface Held { id: string; client: pg.PoolClient; tail: Promise<unknown> }

/**
 * Opens the conversation log on a migrated pool.
 *
 * @example
 * const store = await createPostgresStore({ pool: await openDatabase(env.database, { logger }), logger });
 * await store.exclusive('web:42', () => engineWork());
 */
export async function createPostgresStore({ pool, logger = silentLogger, redactLog = false, ownsPool = true }: PostgresStoreOptions): Promise<ConversationStore & PostgresStoreExtras> {
  const held = new AsyncLocalStorage<Held>();
  /** Per conversation, the tail of this process's calls: they run in call order, like the lowdb store's. */
  const tails = new Map<string, Promise<unknown>>();
  let closed = false;
  let channelStateWrites = 0;
  const live = (): void => {
    if (closed) throw new ColloquyError('storage_closed', 'The conversation store is closed');
  };

  /**
   * Runs `fn` on a connection: the one holding `id`'s lock when called inside
   * `exclusive(id)` (one call at a time on it), else one from the pool.
   */
  const withClient = async <T>(id: string | undefined, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    live();
    const mine = held.getStore();
    if (mine && mine.id === id) {
      const run = mine.tail.then(() => fn(mine.client));
      mine.tail = run.catch(() => undefined);
      return run;
    }
    const onPoolClient = async (): Promise<T> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn(client);
      } catch (err) {
        if (isConnectionError(err)) broken = err as Error;
        throw err;
      } finally {
        client.release(broken);
      }
    };
    if (id === undefined) return onPoolClient();
    const run = (tails.get(id) ?? Promise.resolve()).then(onPoolClient);
    const tail = run.catch(() => undefined);
    tails.set(id, tail);
    void tail.then(() => { if (tails.get(id) === tail) tails.delete(id); });
    return run;
  };

  const readRecord = async (client: pg.PoolClient, id: string, forUpdate = false): Promise<ConversationRecord | undefined> => {
    const { rows } = await client.query<{ record: ConversationRecord }>(`SELECT record FROM conversations WHERE key = $1${forUpdate ? ' FOR UPDATE' : ''}`, [keyOf(id)]);
    return rows[0]?.record;
  };

  const what = (verb: string, id: string) => `${verb} conversation ${JSON.stringify(id.slice(0, 80))}`;

  const store: ConversationStore & PostgresStoreExtras = {
    pool,

    async get(id) {
      try {
        return await withClient(id, (c) => readRecord(c, id));
      } catch (err) {
        throw databaseError(what('read', id), err);
      }
    },

    async update(id, mutate) {
      try {
        return await withClient(id, (client) => onClientInTransaction(client, async () => {
          // re-entrant: free when this connection already holds the lock (inside `exclusive`)
          await client.query('SELECT pg_advisory_xact_lock($1, $2)', [CONVERSATION_LOCK_CLASS, lockKeyOf(id)]);
          const prev = await readRecord(client, id, true);
          let next = mutate(prev ? structuredClone(prev) : undefined);
          if (!next || next.id !== id || !Array.isArray(next.turns)) {
            throw new ColloquyError('storage_bad_record', `The update of conversation ${JSON.stringify(id.slice(0, 80))} returned a record with another id or no turns`);
          }
          const screened = await screenDeleted(client, next);
          if (screened !== next) next = screened;
          if (redactLog) for (const [i, t] of next.turns.entries()) if (prev?.turns[i]?.text !== t.text) t.text = redactText(t.text);
          await client.query(UPSERT_SQL, rowValues(next));
          return structuredClone(next);
        }));
      } catch (err) {
        throw databaseError(what('write', id), err);
      }
    },

    async *list(filter = {}) {
      live();
      const { where, params } = whereOf(filter);
      let remaining = filter.limit ?? Infinity;
      let after: { at: Date; id: string } | undefined;
      while (remaining > 0) {
        const page = Math.min(PAGE, remaining);
        const p = [...params];
        const keyset = after ? ` AND (updated_at < $${p.push(after.at)} OR (updated_at = $${p.length} AND id COLLATE "C" > $${p.push(after.id)}))` : '';
        let rows: SummaryRow[];
        try {
          ({ rows } = await pool.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM conversations WHERE ${where}${keyset} ORDER BY updated_at DESC, id COLLATE "C" LIMIT ${page}`, p));
        } catch (err) {
          throw databaseError('list conversations', err);
        }
        for (const row of rows) yield summaryOf(row) satisfies ConversationSummary;
        if (rows.length < page) return;
        remaining -= rows.length;
        const last = rows[rows.length - 1]!;
        after = { at: last.updated_at, id: last.id };
      }
    },

    async delete(id) {
      try {
        return await withClient(id, async (client) => ((await client.query('DELETE FROM conversations WHERE key = $1', [keyOf(id)])).rowCount ?? 0) > 0);
      } catch (err) {
        throw databaseError(what('delete', id), err);
      }
    },

    async deleteUser(userId) {
      live();
      if (typeof userId === 'string' && userId !== '') {
        // the tombstone first, in the database: writes racing with the deletion on every instance are screened
        await pool.query(`DELETE FROM deleted_users WHERE deleted_at < now() - interval '${TOMBSTONE_MS} milliseconds'`).catch(() => undefined);
        await pool.query('INSERT INTO deleted_users (user_key, deleted_at) VALUES ($1, now()) ON CONFLICT (user_key) DO UPDATE SET deleted_at = now()', [keyOf(userId)])
          .catch((err) => { throw databaseError('record a user deletion', err); });
      }
      const report = await deleteUserRecords(store, NO_TOMBSTONES, userId);
      // channel state naming the user (a hand-off announcement) goes too
      const needle = `"userId":${JSON.stringify(userId)}`.replace(/[\\%_]/g, (c) => `\\${c}`);
      await pool.query("DELETE FROM channel_state WHERE value::text LIKE '%' || $1 || '%'", [needle]).catch((err) => { throw databaseError('delete the channel state of a user', err); });
      return report;
    },

    deleteOlderThan: (cutoff) => deleteRecordsOlderThan(store, cutoff),

    async getChannelState(key) {
      live();
      try {
        const { rows } = await pool.query<{ value: unknown }>('SELECT value FROM channel_state WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())', [key]);
        return rows[0]?.value;
      } catch (err) {
        throw databaseError(`read channel state ${JSON.stringify(key.slice(0, 80))}`, err);
      }
    },

    async setChannelState(key, value, options) {
      live();
      try {
        if (value === undefined) await pool.query('DELETE FROM channel_state WHERE key = $1', [key]);
        else {
          const ttl = options?.ttlMs === undefined ? null : `${Math.max(0, Math.round(options.ttlMs))} milliseconds`;
          await pool.query(
            `INSERT INTO channel_state (key, value, updated_at, expires_at) VALUES ($1, $2, now(), now() + $3::interval)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), expires_at = EXCLUDED.expires_at`,
            [key, JSON.stringify(value), ttl],
          );
        }
        // now and then, expired keys go (a few at a time, so no call waits long)
        if (++channelStateWrites % 200 === 0) await pool.query('DELETE FROM channel_state WHERE key IN (SELECT key FROM channel_state WHERE expires_at < now() LIMIT 1000)');
      } catch (err) {
        throw databaseError(`write channel state ${JSON.stringify(key.slice(0, 80))}`, err);
      }
    },

    async exclusive(id, task) {
      live();
      if (held.getStore()?.id === id) return task(); // already held by this task
      const client = await pool.connect().catch((err) => { throw databaseError(what('lock', id), err); });
      try {
        await client.query('SELECT pg_advisory_lock($1, $2)', [CONVERSATION_LOCK_CLASS, lockKeyOf(id)]);
      } catch (err) {
        client.release(err as Error);
        throw databaseError(what('lock', id), err);
      }
      const mine: Held = { id, client, tail: Promise.resolve() };
      try {
        return await held.run(mine, task);
      } finally {
        await mine.tail;
        // a connection that cannot unlock is closed: the server then drops its lock
        const unlocked = await client.query('SELECT pg_advisory_unlock($1, $2)', [CONVERSATION_LOCK_CLASS, lockKeyOf(id)]).then(() => true, (err: Error) => {
          logger.warn('could not release a conversation lock; closing its connection', { error: err.message });
          return false;
        });
        client.release(unlocked ? undefined : new Error('conversation lock not released'));
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownsPool) await pool.end();
    },
  };
  return store;
}

/** The deletion's tombstones live in the database (`screenDeleted`), not in this process. */
const NO_TOMBSTONES = { mark() {}, screen: (r: ConversationRecord) => r };

/**
 * The record as it may be written, given the users deleted in the last
 * minutes on any instance: a deleted user's conversation from before the
 * deletion is refused, their older turns elsewhere are dropped.
 */
async function screenDeleted(client: pg.PoolClient, record: ConversationRecord): Promise<ConversationRecord> {
  const users = new Map<string, string>();
  for (const u of [record.userId, ...record.turns.map((t) => t.userId)]) if (u !== undefined) users.set(keyOf(u), u);
  const { rows } = await client.query<{ user_key: string; deleted_at: Date }>(
    `SELECT user_key, deleted_at FROM deleted_users WHERE user_key = ANY($1) AND deleted_at > now() - interval '${TOMBSTONE_MS} milliseconds'`,
    [[...users.keys()]],
  );
  if (rows.length === 0) return record;
  const tombstones = createTombstones();
  for (const row of rows) tombstones.mark(users.get(row.user_key)!, row.deleted_at);
  return tombstones.screen(record);
}

/** True for errors after which a connection must not go back to the pool. */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === undefined ? /Connection terminated|not queryable/i.test((err as Error)?.message ?? '') : code.startsWith('08') || code === '57P01';
}
