/** The web channel: a widget for any site and the server it talks to. */
export { createWebServer, DEFAULT_WEB_LIMITS, PUBLIC_DIR, WEB_CHANNEL, type CreateWebServerOptions, type WebLimits, type WebServer } from './server.ts';
export { loadOrCreateSecret, signToken, verifyToken, type TokenPayload } from './tokens.ts';
