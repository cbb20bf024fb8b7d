import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, info?: string): void;
  stop(): void;
}

export const noProgress: Progress = { update() {}, stop() {} };

/** Where progress goes: a bar is drawn only on a terminal. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** A bar on a terminal; elsewhere (CI, pipes) a plain line every few seconds. */
export function createProgress(label: string, total: number, stream: ProgressStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {info}`, stream, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: "" });
    return { update: (done, info = "") => bar.update(done, { info }), stop: () => bar.stop() };
  }
  let last = Date.now();
  return {
    update(done, info = "") {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      stream.write(`${label}: ${total ? Math.floor((100 * done) / total) : 0}% ${info}\n`);
    },
    stop() {},
  };
}
