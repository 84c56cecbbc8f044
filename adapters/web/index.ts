/** The web channel: a widget for any site and the server it talks to. */
export { webChannel } from './plugin.ts';
export { createWebServer, type CreateWebServerOptions, type WebServer } from './server.ts';
export { DEFAULT_WEB_LIMITS, type WebLimits } from './limits.ts';
export { PUBLIC_DIR } from './static-and-errors.ts';
export { WEB_CHANNEL, EVENTS_HEARTBEAT_MS } from './sse.ts';
export { loadOrCreateSecret, signToken, verifyToken, type TokenPayload } from './tokens.ts';
