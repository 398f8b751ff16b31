import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';

/** Marks a route (health probes, docs) as reachable without authentication. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
