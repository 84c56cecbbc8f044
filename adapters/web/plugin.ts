/** The web channel as a plugin: always configured (COLLOQUY_PORT defaults to 3000), it serves the widget and its API. */
import { configError, listValue, portValue, type ChannelPlugin } from '../../src/index.ts';
import { createWebServer } from './server.ts';
import { WEB_CHANNEL } from './sse.ts';
import { loadOrCreateSecret, MIN_SECRET_LENGTH } from './tokens.ts';

export const webChannel: ChannelPlugin = {
  name: WEB_CHANNEL,
  variables: [
    { name: 'COLLOQUY_PORT', description: 'the port the web widget and its API listen on (default 3000; serve --port overrides)' },
    { name: 'COLLOQUY_SECRET', description: 'signs conversation tokens, at least 32 characters; when absent, one is generated and kept in the data directory' },
    { name: 'COLLOQUY_ALLOWED_ORIGINS', description: 'comma-separated origins of the sites that embed the widget (CORS)' },
    { name: 'COLLOQUY_FRAME_ANCESTORS', description: "comma-separated origins allowed to frame the server's pages (default: none)" },
    { name: 'COLLOQUY_TRUST_PROXY', description: "behind a reverse proxy: how many proxies to trust (1), or their addresses, so per-IP limits see the client's address from X-Forwarded-For (default: off)" },
  ],

  fromConfig(v) {
    const configuredPort = portValue(v, 'COLLOQUY_PORT', 3000);
    const configuredSecret = v.COLLOQUY_SECRET;
    if (configuredSecret !== undefined && configuredSecret.length < MIN_SECRET_LENGTH) {
      throw configError(`COLLOQUY_SECRET must be at least ${MIN_SECRET_LENGTH} characters`, 'Leave it unset to have one generated in the data directory.');
    }
    const trustProxy = trustProxyValue(v.COLLOQUY_TRUST_PROXY);
    return {
      capabilities: { streaming: true, typing: false, reactions: false, threads: false },
      async start({ engine, logger, host, port, dataDir, mounts, rateLimiters, sharedSecret, health }) {
        const secret = configuredSecret ?? (sharedSecret ? await sharedSecret('web') : await loadOrCreateSecret(dataDir));
        const web = createWebServer({ engine, secret, allowedOrigins: listValue(v, 'COLLOQUY_ALLOWED_ORIGINS'), frameAncestors: listValue(v, 'COLLOQUY_FRAME_ANCESTORS'), logger, ...(mounts ? { mounts } : {}), ...(rateLimiters ? { rateLimiters } : {}), ...(health ? { health } : {}), ...(trustProxy !== undefined ? { trustProxy } : {}) });
        const server = await web.listen(port ?? configuredPort, host);
        return { banner: `Colloquy web chat: ${server.url}/  (Ctrl-C stops)`, stop: () => server.close() };
      },
    };
  },
};

/** COLLOQUY_TRUST_PROXY as express's `trust proxy`: a hop count (`1`), `true`, or addresses/subnets (`10.0.0.1, loopback`). */
function trustProxyValue(raw: string | undefined): boolean | number | string | undefined {
  if (raw === undefined || raw === 'false' || raw === '0') return undefined;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}
