import { AuthFailure } from './auth-errors';

/** Far above any real Supabase access token (~1–2 KB); longer headers are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

const BEARER = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)[ ]*$/i;

/** The compact JWT from an `Authorization: Bearer …` header value, or an AuthFailure. */
export function bearerTokenFrom(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new AuthFailure(
      'UNAUTHENTICATED',
      'Authentication required: send an Authorization: Bearer <token> header.',
    );
  }
  if (Array.isArray(header) || header.length > MAX_TOKEN_LENGTH + 16) {
    throw new AuthFailure('INVALID_TOKEN', 'The Authorization header is malformed.');
  }
  const match = BEARER.exec(header);
  if (!match) {
    throw new AuthFailure('INVALID_TOKEN', 'The Authorization header must be "Bearer <JWT>".');
  }
  return match[1];
}
