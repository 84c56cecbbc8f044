/**
 * A secret every instance on the database shares (the web channel signs
 * conversation tokens with it: a token one instance issued must open the
 * conversation on any other). The first instance to ask creates it; the
 * insert-if-absent is atomic, so instances starting together agree.
 */
import { randomBytes } from 'node:crypto';
import { databaseError, type PgPool } from './pool.ts';

/**
 * The secret named `name`, created (32 random bytes, hex) when the database has none.
 *
 * @example
 * const secret = env.web.secret ?? (await loadOrCreateSharedSecret(pool, 'web'));
 */
export async function loadOrCreateSharedSecret(pool: PgPool, name: string): Promise<string> {
  const key = `secret:${name}`;
  try {
    await pool.query('INSERT INTO channel_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, JSON.stringify(randomBytes(32).toString('hex'))]);
    const { rows } = await pool.query<{ value: string }>('SELECT value FROM channel_state WHERE key = $1', [key]);
    return rows[0]!.value;
  } catch (err) {
    throw databaseError(`read the shared ${name} secret`, err);
  }
}
