/**
 * A local stand-in for a Supabase project's auth JWKS endpoint (`/auth/v1/.well-known/jwks.json`), so tests verify
 * tokens without any network. Keys can be rotated and the endpoint made to fail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose' with { 'resolution-mode': 'import' };

export const JWKS_PATH = '/auth/v1/.well-known/jwks.json';

export interface JwksServer {
  /** Plays the role of SUPABASE_URL (tokens' issuer is `${url}/auth/v1`). */
  url: string;
  issuer: string;
  jwksUrl: string;
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
  /** Replace the published keys (key rotation). */
  publish(keys: JWK[]): void;
  /** 'ok' serves the keys; 'error' answers 500; 'hang' never answers. */
  setMode(mode: 'ok' | 'error' | 'hang'): void;
  close(): Promise<void>;
}

export async function startJwksServer(initialKeys: JWK[]): Promise<JwksServer> {
  let keys = initialKeys;
  let mode: 'ok' | 'error' | 'hang' = 'ok';
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== JWKS_PATH) {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    if (mode === 'hang') return;
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    issuer: `${url}/auth/v1`,
    jwksUrl: `${url}${JWKS_PATH}`,
    get fetches() {
      return fetches;
    },
    publish(next) {
      keys = next;
    },
    setMode(next) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
