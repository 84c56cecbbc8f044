/**
 * Rate limits: a token bucket per key (client IP, conversation). One process
 * keeps its buckets in memory; several instances share them in Redis, so a
 * user spreading requests over instances gets the same limits.
 */

/** A bucket's shape: `burst` requests at once, refilled at `perMinute`. */
export interface RateLimit {
  burst: number;
  perMinute: number;
}

export interface RateLimiter {
  /** Takes one token for `key`: 0 when allowed, otherwise the seconds to wait before retrying. */
  take(key: string): Promise<number>;
  /** Stops timers; a shared connection stays open (its owner closes it). */
  close(): void;
}

/**
 * Builds the limiter for one kind of bucket; `name` (`ip`, `conversation`)
 * keeps the kinds apart where buckets are shared.
 */
export type RateLimiterFactory = (limit: RateLimit, name: string) => RateLimiter;

/** What a shared limiter does while its store is unreachable: let requests through, or refuse them. */
export type LimitsWhenDown = 'open' | 'closed';

/** Seconds a client is told to wait when limits fail closed. */
export const CLOSED_RETRY_SECONDS = 5;

/** Seconds to wait for the next token of a bucket refilled at `perMs` tokens per ms, `tokens` held now. */
export function secondsUntilToken(tokens: number, perMs: number): number {
  return perMs > 0 ? Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) : 3600;
}
