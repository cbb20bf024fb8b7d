/** Per-user, per-command cooldowns, in memory (they only need to survive as long as the process). */
export class Cooldowns {
  private readonly until = new Map<string, number>();

  /** Seconds left to wait, or 0 (and the cooldown starts now). */
  take(command: string, userId: string, seconds: number, now = Date.now()): number {
    const key = `${command}:${userId}`;
    const end = this.until.get(key) ?? 0;
    if (end > now) return Math.ceil((end - now) / 1000);
    this.until.set(key, now + seconds * 1000);
    if (this.until.size > 10_000) for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    return 0;
  }
}
