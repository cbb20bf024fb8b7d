/**
 * Shows a growing text by editing one message at most once per `intervalMs`: the latest text wins,
 * edits never overlap, and `finish()` waits for the last one (Discord rate-limits message edits).
 */
export class ThrottledEditor {
  private pending?: string;
  private last = 0;
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly edit: (text: string) => Promise<unknown>,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  push(text: string): void {
    if (this.stopped) return;
    this.pending = text;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Stops showing progress; resolves once any edit already sent has landed. */
  async finish(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private flush(): void {
    this.timer = undefined;
    const text = this.pending;
    this.pending = undefined;
    if (text === undefined || this.stopped) return;
    this.last = this.now();
    this.inFlight = this.inFlight.then(() =>
      this.edit(text).then(
        () => undefined,
        () => undefined,
      ),
    );
  }
}
