/**
 * Per-user, per-command cooldowns, in either store: shared by every process on the same database, so a
 * user who switches machines (shards) still waits.
 */
export interface CooldownStore {
  /**
   * Starts the cooldown `key` for `seconds` from `now` and answers 0 when none is running; else the seconds
   * left to wait (at least 1), and the running one is left as it is. Atomic: of takes at once, one gets 0.
   */
  take(key: string, seconds: number, now?: Date): Promise<number>;
}

/** Whole seconds from `now` until `until` (epoch milliseconds), at least 1. */
export const secondsLeft = (until: number, now: number): number => Math.max(1, Math.ceil((until - now) / 1000));
