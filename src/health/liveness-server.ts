/** The worker role's liveness port: plain HTTP, `GET /healthz` → 200 while the process runs. Nothing else. */
import { createServer, type Server } from 'node:http';

export function startLivenessServer(port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((request, response) => {
    const ok = request.method === 'GET' && request.url?.split('?')[0] === '/healthz';
    response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(ok ? { status: 'ok', pid: process.pid } : { detail: 'Not found.', code: 'NOT_FOUND' }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
