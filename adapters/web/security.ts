import type { NextFunction, Request, Response } from 'express';

/**
 * Security headers for every response: a strict CSP (no inline scripts or
 * styles anywhere), no MIME sniffing, no referrer leaks, and framing only by
 * the configured origins.
 */
export function securityHeaders(frameAncestors: string[]) {
  const ancestors = frameAncestors.length ? frameAncestors.join(' ') : "'none'";
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (!frameAncestors.length) res.setHeader('X-Frame-Options', 'DENY');
    next();
  };
}

/**
 * CORS for the API: requests from the server's own origin and the allowed
 * embedding origins pass; other origins get 403 (and no CORS headers, so the
 * browser blocks them anyway). Requests without an Origin (curl, servers) pass.
 */
export function corsAllowlist(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/+$/, '')));
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (!origin) return next();
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin !== own && !allowed.has(origin)) {
      res.status(403).json({ error: 'origin_not_allowed', message: 'This site may not use the chat API.' });
      return;
    }
    res.setHeader('Vary', 'Origin');
    if (origin !== own) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
