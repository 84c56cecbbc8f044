import type { NextFunction, Request, Response } from 'express';
import { createMemoryRateLimiter, type RateLimit, type RateLimiter, type RateLimiterFactory } from '../../src/index.ts';

export interface WebLimits {
  /** Largest JSON body accepted (bytes); larger → 413. */
  bodyBytes: number;
  /**
   * Requests per client IP, across the whole API and the mounted routers: an
   * outer bound sized for many people behind one address (an office NAT).
   */
  perIp: RateLimit;
  /** Messages per conversation: what limits one widget user. */
  perConversation: RateLimit;
  /** How long a conversation token stays valid (ms). */
  tokenMaxAgeMs: number;
}

export const DEFAULT_WEB_LIMITS: WebLimits = {
  bodyBytes: 16 * 1024,
  // 50 people behind one NAT opening the widget and chatting (about 10 requests each) fit in the burst;
  // one person is held by the per-conversation limit long before this one
  perIp: { burst: 600, perMinute: 600 },
  perConversation: { burst: 10, perMinute: 20 },
  tokenMaxAgeMs: 30 * 24 * 3600_000,
};

/** A 429 with `Retry-After`. */
export function tooMany(res: Response, seconds: number): void {
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json({ error: 'rate_limited', message: `Too many requests. Try again in ${seconds} s.`, retryAfter: seconds });
}

/**
 * The server's limiters, built by `factory` (in memory by default; shared by
 * instances with Redis): `ip` is a middleware over the per-IP budget;
 * `conversation` is taken per message.
 */
export function createWebLimiters(limits: WebLimits, factory: RateLimiterFactory = (limit) => createMemoryRateLimiter(limit)) {
  const perIp = factory(limits.perIp, 'ip');
  const conversation: RateLimiter = factory(limits.perConversation, 'conversation');
  return {
    async ip(req: Request, res: Response, next: NextFunction) {
      const wait = await perIp.take(req.ip ?? 'unknown');
      if (wait) return tooMany(res, wait);
      next();
    },
    conversation,
    close() {
      perIp.close();
      conversation.close();
    },
  };
}
