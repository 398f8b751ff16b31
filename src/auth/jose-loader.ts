/**
 * jose 6 is ESM-only and this project compiles to CommonJS: load it with a real dynamic import (module node16 keeps
 * `import()` as is), once.
 */
export type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

let loading: Promise<Jose> | undefined;

export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}

/** The stable `code` of a jose error (e.g. 'ERR_JWT_EXPIRED'), or undefined for anything else. */
export function joseErrorCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_J')) {
    return err.code;
  }
  return undefined;
}
