/**
 * Uploads of one user that are under way (between the active-jobs check and the end of the response), counted in
 * Redis so that concurrent uploads see each other before their job rows exist. Keys expire on their own if a
 * process dies mid-upload.
 */
import type Redis from 'ioredis';

const TAKE = `
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n`;

const GIVE_BACK = `
if redis.call('DECR', KEYS[1]) <= 0 then redis.call('DEL', KEYS[1]) end
return 0`;

/** Longer than any upload of MAX_UPLOAD_MB should take; only matters when a process dies holding a slot. */
const SLOT_TTL_MS = 10 * 60_000;

export interface UploadSlot {
  /** Uploads of this user under way, this one included. */
  inFlight: number;
  /** Gives the slot back (idempotent). */
  release: () => void;
}

export class UploadSlots {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** Takes a slot; null when Redis cannot be reached (the caller then relies on the database count alone). */
  async take(userId: string): Promise<UploadSlot | null> {
    const key = `${this.keyPrefix}uploads-in-flight:${userId}`;
    try {
      const inFlight = Number(await this.redis.eval(TAKE, 1, key, SLOT_TTL_MS));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.redis.eval(GIVE_BACK, 1, key).catch(() => undefined);
      };
      return { inFlight, release };
    } catch {
      return null;
    }
  }
}
