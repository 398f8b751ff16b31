import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The verified caller. `id` is the Supabase user id (JWT `sub`), or the fixed local user with AUTH_MODE=none. */
export interface AuthUser {
  id: string;
  email?: string;
}

export const LOCAL_USER_ID = '00000000-0000-4000-8000-000000000001';

export interface RequestWithUser {
  user?: AuthUser;
}

/** Injects the authenticated user into a controller method; the global AuthGuard has set it. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<RequestWithUser>();
  if (!request.user) throw new Error('CurrentUser used on a route the AuthGuard did not authenticate');
  return request.user;
});
