import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { IS_PUBLIC } from './public.decorator';
import type { RequestWithUser } from './auth-user';
import { AuthFailure, AuthHttpException } from './auth-errors';
import { RequestAuthenticator, type AuthenticatableRequest } from './request-authenticator';

/**
 * Global guard: every route needs a verified caller unless marked `@Public()`.
 * AUTH_MODE=none: the fixed local user. AUTH_MODE=supabase: a Supabase Auth JWT (see jwt-verifier.ts);
 * failures answer 401 `{detail, code}` (503 AUTH_UNAVAILABLE when the JWKS cannot be fetched).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithUser & AuthenticatableRequest>();
    try {
      request.user = await this.authenticator.authenticate(request);
      return true;
    } catch (err) {
      if (!(err instanceof AuthFailure)) throw err;
      const exception = new AuthHttpException(err);
      if (exception.challenge)
        http.getResponse<Response>().setHeader('WWW-Authenticate', exception.challenge);
      throw exception;
    }
  }
}
