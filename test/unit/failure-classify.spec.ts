/** Which failures are retried and what users are told, with the real SDK error classes. */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ConversionError } from '../../src/conversion/errors';
import { deserializeError, serializeError } from '../../src/conversion/runner/protocol';
import { classifyError, sanitizeMessage, StorageError, USER_MESSAGES } from '../../src/pipeline/failure';

const headers = new Headers();

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What the stage runner hands back for an error thrown in the stage's thread. */
function acrossThreads(err: unknown): Error {
  return deserializeError(structuredClone(serializeError(err)));
}

describe('classifyError', () => {
  it.each([
    'INVALID_PDF',
    'CORRUPTED_FILE',
    'UNSUPPORTED_FORMAT',
    'PASSWORD_PROTECTED',
    'EMPTY_DOCUMENT',
  ] as const)('fails %s at once with its own message', (code) => {
    const result = classifyError(new ConversionError(code, 'This file cannot be converted.'));
    expect(result).toEqual({ kind: 'permanent', code, userMessage: 'This file cannot be converted.' });
  });

  it('does not retry TIMEOUT or CANCELLED, and hides the detail of INTERNAL_ERROR', () => {
    expect(classifyError(new ConversionError('TIMEOUT', 'Too long.'))).toMatchObject({
      kind: 'permanent',
      code: 'TIMEOUT',
    });
    expect(classifyError(new ConversionError('CANCELLED', 'Cancelled.'))).toMatchObject({
      kind: 'permanent',
    });
    expect(classifyError(new ConversionError('INTERNAL_ERROR', 'worker exit code 3 in /srv/app'))).toEqual({
      kind: 'permanent',
      code: 'INTERNAL_ERROR',
      userMessage: USER_MESSAGES.INTERNAL_ERROR,
    });
  });

  const transientOpenAI: [string, Error][] = [
    ['APIConnectionError', new OpenAI.APIConnectionError({ message: 'Connection error.' })],
    ['APIConnectionTimeoutError', new OpenAI.APIConnectionTimeoutError()],
    ['RateLimitError', new OpenAI.RateLimitError(429, { message: 'slow down' }, 'slow down', headers)],
    ['InternalServerError', new OpenAI.InternalServerError(500, { message: 'oops' }, 'oops', headers)],
    ['APIError 502', OpenAI.APIError.generate(502, { message: 'bad gateway' }, 'bad gateway', headers)],
  ];
  const transientAnthropic: [string, Error][] = [
    ['APIConnectionError', new Anthropic.APIConnectionError({ message: 'Connection error.' })],
    ['APIConnectionTimeoutError', new Anthropic.APIConnectionTimeoutError()],
    ['RateLimitError', new Anthropic.RateLimitError(429, { message: 'slow down' }, 'slow down', headers)],
    ['InternalServerError', new Anthropic.InternalServerError(500, { message: 'oops' }, 'oops', headers)],
    [
      'OverloadedError 529',
      Anthropic.APIError.generate(529, { message: 'overloaded' }, 'overloaded', headers),
    ],
  ];

  it.each([
    ...transientOpenAI.map(([n, e]) => [`OpenAI ${n}`, e]),
    ...transientAnthropic.map(([n, e]) => [`Anthropic ${n}`, e]),
  ])('retries %s, also after it crossed the stage thread boundary', (_name, err) => {
    const expected = {
      kind: 'transient',
      code: 'AI_PROVIDER_UNAVAILABLE',
      userMessage: USER_MESSAGES.AI_PROVIDER_UNAVAILABLE,
    };
    expect(classifyError(err)).toEqual(expected);
    expect(classifyError(acrossThreads(err))).toEqual(expected);
  });

  it.each([
    [
      'OpenAI AuthenticationError',
      new OpenAI.AuthenticationError(401, { message: 'bad key' }, 'bad key', headers),
    ],
    ['OpenAI BadRequestError', new OpenAI.BadRequestError(400, { message: 'bad' }, 'bad', headers)],
    ['OpenAI PermissionDeniedError', new OpenAI.PermissionDeniedError(403, { message: 'no' }, 'no', headers)],
    [
      'Anthropic AuthenticationError',
      new Anthropic.AuthenticationError(401, { message: 'bad key' }, 'bad', headers),
    ],
    ['Anthropic BadRequestError', new Anthropic.BadRequestError(400, { message: 'bad' }, 'bad', headers)],
    [
      'Anthropic PermissionDeniedError',
      new Anthropic.PermissionDeniedError(403, { message: 'no' }, 'no', headers),
    ],
  ])('fails %s at once', (_name, err) => {
    const expected = {
      kind: 'permanent',
      code: 'AI_PROVIDER_REJECTED',
      userMessage: USER_MESSAGES.AI_PROVIDER_REJECTED,
    };
    expect(classifyError(err)).toEqual(expected);
    expect(classifyError(acrossThreads(err))).toEqual(expected);
  });

  it('treats our own abort of an AI call as a cancellation, not a retry', () => {
    expect(classifyError(new OpenAI.APIUserAbortError())).toMatchObject({
      kind: 'permanent',
      code: 'CANCELLED',
    });
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN'])(
    'retries the network error %s',
    (code) => {
      expect(classifyError(systemError(code, `connect ${code} 10.0.0.1:443`))).toEqual({
        kind: 'transient',
        code: 'NETWORK_ERROR',
        userMessage: USER_MESSAGES.NETWORK_ERROR,
      });
    },
  );

  it('retries "socket hang up" and a fetch failure whose cause is a network error', () => {
    expect(classifyError(new Error('socket hang up')).kind).toBe('transient');
    const fetchFailed = new TypeError('fetch failed', {
      cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED'),
    });
    expect(classifyError(fetchFailed)).toMatchObject({ kind: 'transient', code: 'NETWORK_ERROR' });
  });

  it('retries storage 5xx and timeouts, fails other storage errors at once', () => {
    const unavailable = new StorageError('upload failed', {
      operation: 'upload',
      key: 'jobs/1/input.pdf',
      status: 503,
    });
    const timedOut = new StorageError('download timed out', { operation: 'download', timedOut: true });
    const refused = new StorageError('download failed', {
      operation: 'download',
      cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED'),
    });
    const missing = new StorageError('not found', { operation: 'download', status: 404 });

    expect(classifyError(unavailable)).toEqual({
      kind: 'transient',
      code: 'STORAGE_UNAVAILABLE',
      userMessage: USER_MESSAGES.STORAGE_UNAVAILABLE,
    });
    expect(classifyError(timedOut).kind).toBe('transient');
    expect(classifyError(refused).kind).toBe('transient');
    expect(classifyError(acrossThreads(unavailable)).kind).toBe('transient');
    expect(classifyError(missing)).toMatchObject({ kind: 'permanent', code: 'STORAGE_ERROR' });
  });

  it('recognises Supabase storage-js errors by their marker and status', () => {
    const apiError = Object.assign(new Error('Service Unavailable'), {
      name: 'StorageApiError',
      __isStorageError: true,
      status: 503,
    });
    expect(classifyError(apiError)).toMatchObject({ kind: 'transient', code: 'STORAGE_UNAVAILABLE' });
  });

  it('retries PostgreSQL connection loss but not a constraint violation', () => {
    class DatabaseError extends Error {
      constructor(
        message: string,
        readonly code: string,
      ) {
        super(message);
      }
    }
    expect(classifyError(new DatabaseError('terminating connection', '57P01'))).toMatchObject({
      kind: 'transient',
      code: 'DATABASE_UNAVAILABLE',
    });
    expect(classifyError(new DatabaseError('duplicate key', '23505'))).toMatchObject({ kind: 'permanent' });
  });

  it('fails anything else as INTERNAL_ERROR with a generic message, never the original text', () => {
    const result = classifyError(
      new TypeError("Cannot read properties of undefined (reading 'x') at /srv/app/x.js:1"),
    );
    expect(result).toEqual({
      kind: 'permanent',
      code: 'INTERNAL_ERROR',
      userMessage: USER_MESSAGES.INTERNAL_ERROR,
    });
    expect(classifyError('a string').code).toBe('INTERNAL_ERROR');
    expect(classifyError(undefined).code).toBe('INTERNAL_ERROR');
  });
});

describe('sanitizeMessage', () => {
  it('removes paths and stack lines and keeps one short line', () => {
    const message = sanitizeMessage(
      'Cannot parse /tmp/pdf2epub/job-1/input.pdf\n    at parse (/srv/app/x.js:1:2)',
    );
    expect(message).toBe('Cannot parse [path]');
    expect(sanitizeMessage('x'.repeat(1000)).length).toBeLessThanOrEqual(300);
  });
});
