import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What a conversation token vouches for: the conversation, its user, and when it was issued. */
export interface TokenPayload {
  /** Conversation id. */
  c: string;
  /** User id. */
  u: string;
  /** Issued at (ms since the epoch). */
  iat: number;
}

/** The smallest secret accepted (bytes of UTF-8). */
export const MIN_SECRET_LENGTH = 32;

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/**
 * Signs a payload: `base64url(JSON payload) + '.' + base64url(HMAC-SHA256(secret, first part))`.
 *
 * @example
 * const token = signToken(secret, { c: 'web:1', u: 'u-1', iat: Date.now() });
 */
export function signToken(secret: string, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** The payload of a token this secret signed and that is younger than `maxAgeMs`, or undefined (forged, altered, expired, malformed). */
export function verifyToken(secret: string, token: string, maxAgeMs: number, now = Date.now()): TokenPayload | undefined {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  const [body, sig] = parts;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const p = payload as Partial<TokenPayload> | null;
  if (!p || typeof p.c !== 'string' || typeof p.u !== 'string' || typeof p.iat !== 'number') return undefined;
  if (now - p.iat > maxAgeMs || p.iat - now > 60_000) return undefined;
  return { c: p.c, u: p.u, iat: p.iat };
}

/**
 * The token secret kept in `<dir>/web-secret`: read when present, otherwise
 * generated (32 random bytes, hex) and written with mode 0600.
 *
 * @example
 * const secret = await loadOrCreateSecret('conversations');
 */
export async function loadOrCreateSecret(dir: string): Promise<string> {
  const file = path.join(dir, 'web-secret');
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing.length >= MIN_SECRET_LENGTH) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(dir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  // a too-short or empty file is replaced; 'w' keeps the mode only for new files, hence the chmod
  await fs.writeFile(file, secret + '\n', { mode: 0o600 });
  await fs.chmod(file, 0o600);
  return secret;
}
