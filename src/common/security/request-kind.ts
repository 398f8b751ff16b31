/** Which requests the upload-specific limits (uploads per hour, active conversions) apply to. */
export interface RoutedRequest {
  method: string;
  path?: string;
  /** Express sets the matched route, e.g. `{ path: '/api/v1/upload' }`. */
  route?: { path?: unknown };
}

const UPLOAD_PATH = /\/upload\/?$/;

/** `POST …/upload` — matched on the route Express resolved (or the raw path before routing). */
export function isUploadRequest(request: RoutedRequest): boolean {
  if (request.method !== 'POST') return false;
  const routePath = typeof request.route?.path === 'string' ? request.route.path : request.path;
  return routePath !== undefined && UPLOAD_PATH.test(routePath);
}
