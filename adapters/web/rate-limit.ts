/** A bucket's shape: `burst` requests at once, refilled at `perMinute`. */
export interface RateLimit {
  burst: number;
  perMinute: number;
}

export interface RateLimiter {
  /** Takes one token for `key`: 0 when allowed, otherwise the seconds to wait before retrying. */
  take(key: string): number;
  /** Stops the sweeping timer. */
  close(): void;
}

/**
 * An in-memory token bucket per key (IP, conversation). Full, idle buckets are
 * swept every minute so the map does not grow without bound.
 *
 * @example
 * const perIp = createRateLimiter({ burst: 60, perMinute: 60 });
 * const wait = perIp.take(req.ip); // 0 → go ahead
 */
export function createRateLimiter({ burst, perMinute }: RateLimit, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  const refill = (b: { tokens: number; at: number }, t: number) => {
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
  };
  const timer = setInterval(() => {
    const t = now();
    for (const [key, b] of buckets) {
      refill(b, t);
      if (b.tokens >= burst) buckets.delete(key);
    }
  }, 60_000);
  timer.unref();
  return {
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { tokens: burst, at: t }));
      else refill(b, t);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return perMs > 0 ? Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) : 3600;
    },
    close: () => clearInterval(timer),
  };
}
