/** A local HTTP server standing in for a shop's webhook; each test picks how it answers. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIn {
  url: string;
  /** Every request body received, parsed, with its Authorization header. */
  received: Array<{ body: unknown; authorization?: string }>;
  close(): Promise<void>;
}

export type Answer = (body: unknown, res: http.ServerResponse) => void;

export async function startWebhook(answer: Answer): Promise<StandIn> {
  const received: StandIn['received'] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      received.push({ body, authorization: req.headers.authorization });
      open.add(res);
      res.on('close', () => open.delete(res));
      answer(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/orders`,
    received,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
