import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from './public.decorator';
import { LOCAL_USER_ID, type RequestWithUser } from './auth-user';

/**
 * Global guard. First version: AUTH_MODE=none only (every request is the local user).
 * The security work adds AUTH_MODE=supabase (JWT verification with jose).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    if (isPublic) return true;
    request.user = { id: LOCAL_USER_ID };
    return true;
  }
}
