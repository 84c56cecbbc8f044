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
  ],

  fromConfig(v) {
    const configuredPort = portValue(v, 'COLLOQUY_PORT', 3000);
    const configuredSecret = v.COLLOQUY_SECRET;
    if (configuredSecret !== undefined && configuredSecret.length < MIN_SECRET_LENGTH) {
      throw configError(`COLLOQUY_SECRET must be at least ${MIN_SECRET_LENGTH} characters`, 'Leave it unset to have one generated in the data directory.');
    }
    return {
      capabilities: { streaming: true, typing: false, reactions: false, threads: false },
      async start({ engine, logger, host, port, dataDir, mounts, rateLimiters, sharedSecret, health }) {
        const secret = configuredSecret ?? (sharedSecret ? await sharedSecret('web') : await loadOrCreateSecret(dataDir));
        const web = createWebServer({ engine, secret, allowedOrigins: listValue(v, 'COLLOQUY_ALLOWED_ORIGINS'), frameAncestors: listValue(v, 'COLLOQUY_FRAME_ANCESTORS'), logger, ...(mounts ? { mounts } : {}), ...(rateLimiters ? { rateLimiters } : {}), ...(health ? { health } : {}) });
        const server = await web.listen(port ?? configuredPort, host);
        return { banner: `Colloquy web chat: ${server.url}/  (Ctrl-C stops)`, stop: () => server.close() };
      },
    };
  },
};
