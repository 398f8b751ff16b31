/**
 * A small in-memory HTTP server speaking the Supabase Storage API routes that @supabase/storage-js uses
 * (storage-js 2.x, StorageFileApi):
 *   POST|PUT /storage/v1/object/{bucket}/{path}          upload / update (raw body; POST honours x-upsert)
 *   GET      /storage/v1/object/{bucket}/{path}          download (also /object/authenticated/{bucket}/{path})
 *   HEAD     /storage/v1/object/{bucket}/{path}          exists
 *   POST     /storage/v1/object/list/{bucket}            list one folder level: {prefix, limit, offset}
 *   DELETE   /storage/v1/object/{bucket}                 remove: {prefixes: [paths]}
 * Requests need `apikey` and `Authorization: Bearer` with the service-role key. Errors are Storage-API shaped:
 * `{statusCode, error, message}` with the HTTP status.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  body: Buffer;
  contentType: string;
  createdAt: string;
}

export interface FakeSupabaseStorage {
  /** Base URL to give to createClient (SUPABASE_URL). */
  url: string;
  serviceRoleKey: string;
  /** `${bucket}/${path}` → object. */
  objects: Map<string, StoredObject>;
  requests: { method: string; path: string }[];
  /** Makes every request answer this HTTP status until reset (simulates an outage). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

const PREFIX = '/storage/v1';

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function apiError(response: ServerResponse, status: number, error: string, message: string): void {
  send(response, status, { statusCode: String(status), error, message });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listFolder(objects: Map<string, StoredObject>, bucket: string, prefix: string): unknown[] {
  const folder = prefix.replace(/^\/+|\/+$/g, '');
  const base = `${bucket}/${folder ? `${folder}/` : ''}`;
  const files = new Map<string, StoredObject>();
  const folders = new Set<string>();
  for (const [key, object] of objects) {
    if (!key.startsWith(base)) continue;
    const rest = key.slice(base.length);
    const slash = rest.indexOf('/');
    if (slash >= 0) folders.add(rest.slice(0, slash));
    else files.set(rest, object);
  }
  const folderEntries = [...folders].map((name) => ({ name, id: null, updated_at: null, metadata: null }));
  const fileEntries = [...files].map(([name, object]) => ({
    name,
    id: randomUUID(),
    updated_at: object.createdAt,
    created_at: object.createdAt,
    metadata: { size: object.body.length, mimetype: object.contentType },
  }));
  return [...folderEntries, ...fileEntries].sort((a, b) => a.name.localeCompare(b.name));
}

export async function startFakeSupabaseStorage(
  options: { serviceRoleKey?: string; buckets?: string[] } = {},
): Promise<FakeSupabaseStorage> {
  const serviceRoleKey = options.serviceRoleKey ?? 'test-service-role-key';
  const buckets = new Set(options.buckets ?? ['pdf2epub']);
  const objects = new Map<string, StoredObject>();
  const requests: { method: string; path: string }[] = [];
  let forcedStatus: number | null = null;

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) =>
      apiError(response, 500, 'internal', err instanceof Error ? err.message : String(err)),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname });
    if (forcedStatus !== null) return apiError(response, forcedStatus, 'forced', 'forced failure');
    if (
      request.headers.apikey !== serviceRoleKey ||
      request.headers.authorization !== `Bearer ${serviceRoleKey}`
    ) {
      return apiError(response, 403, 'Unauthorized', 'invalid signature');
    }
    if (!url.pathname.startsWith(`${PREFIX}/object/`))
      return apiError(response, 404, 'not_found', 'Route not found');
    const route = decodeURIComponent(url.pathname.slice(`${PREFIX}/object/`.length));

    if (method === 'POST' && route.startsWith('list/')) {
      const bucket = route.slice('list/'.length);
      if (!buckets.has(bucket)) return apiError(response, 404, 'Bucket not found', 'Bucket not found');
      const body = JSON.parse((await readBody(request)).toString() || '{}') as {
        prefix?: string;
        limit?: number;
        offset?: number;
      };
      const entries = listFolder(objects, bucket, body.prefix ?? '');
      const offset = body.offset ?? 0;
      return send(response, 200, entries.slice(offset, offset + (body.limit ?? 100)));
    }

    const path = route.startsWith('authenticated/') ? route.slice('authenticated/'.length) : route;
    const slash = path.indexOf('/');
    const bucket = slash < 0 ? path : path.slice(0, slash);
    const key = slash < 0 ? '' : path.slice(slash + 1);
    if (!buckets.has(bucket)) return apiError(response, 404, 'Bucket not found', 'Bucket not found');

    if (method === 'DELETE' && key === '') {
      const body = JSON.parse((await readBody(request)).toString() || '{}') as { prefixes?: string[] };
      const removed = (body.prefixes ?? []).filter((name) => objects.delete(`${bucket}/${name}`));
      return send(
        response,
        200,
        removed.map((name) => ({ name, bucket_id: bucket })),
      );
    }
    if (key === '') return apiError(response, 400, 'invalid', 'Missing object path');
    const objectKey = `${bucket}/${key}`;

    if (method === 'POST' || method === 'PUT') {
      const exists = objects.has(objectKey);
      if (method === 'POST' && exists && request.headers['x-upsert'] !== 'true') {
        return apiError(response, 409, 'Duplicate', 'The resource already exists');
      }
      if (method === 'PUT' && !exists) return apiError(response, 404, 'not_found', 'Object not found');
      const contentType = String(request.headers['content-type'] ?? 'application/octet-stream');
      objects.set(objectKey, {
        body: await readBody(request),
        contentType,
        createdAt: new Date().toISOString(),
      });
      return send(response, 200, { Key: objectKey, Id: randomUUID() });
    }
    const object = objects.get(objectKey);
    if (method === 'HEAD') {
      response.writeHead(object ? 200 : 404);
      response.end();
      return;
    }
    if (method === 'GET') {
      if (!object) return apiError(response, 404, 'not_found', 'Object not found');
      response.writeHead(200, { 'content-type': object.contentType, 'content-length': object.body.length });
      response.end(object.body);
      return;
    }
    apiError(response, 405, 'method_not_allowed', `${method} is not supported here`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serviceRoleKey,
    objects,
    requests,
    failWith(status) {
      forcedStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
