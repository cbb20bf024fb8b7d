import { UsageError } from "../config/errors.js";
import type { Config } from "../config/config.js";
import type { DestinationStream, Logger } from "../config/logger.js";
import { ensureSeeded } from "../ingest/ensureSeeded.js";
import { addToCollection } from "../ingest/addToCollection.js";
import { createProgress, type Progress, type ProgressStream } from "../config/progress.js";
import { emptySummary, formatSummary, type IngestSummary } from "../ingest/summary.js";
import { openStore } from "../store/openStore.js";
import type { PaperStore } from "../store/paperStore.js";
import { sqliteStores, type Stores } from "../store/stores.js";
import { createEmbeddings, type OpenAICompatibleEmbeddings } from "../retrieval/embeddings.js";
import type { Retriever } from "../retrieval/retriever.js";
import type { AnswerEngine } from "../answer/answerEngine.js";
import { buildServices, type Services } from "../app/services.js";

/** Everything a run reads and writes besides its database and the network: the process's stdio, or a test's buffers. */
export interface CliIo {
  /** One line of results (stdout). */
  out: (line: string) => void;
  /** One line for the user (stderr). */
  err: (line: string) => void;
  /** Queries for `search` without arguments, one per line. */
  stdin: NodeJS.ReadableStream;
  /** Where log records go, as JSON lines (stderr). */
  log: DestinationStream;
  /** Where ingest and embed progress go (stderr); a bar when it is a terminal. */
  progress: ProgressStream;
}

/** What every subcommand gets: config, a logger, output, and the store (opened, and seeded if empty, on first use). */
export class CliContext {
  private store?: PaperStore;
  private services?: Services;
  private opened?: Stores;

  constructor(
    readonly config: Readonly<Config>,
    readonly log: Logger,
    readonly io: CliIo,
  ) {}

  async papers(opts: { seed?: boolean; embedSeed?: boolean } = {}): Promise<PaperStore> {
    // Bots on several machines that set it expect one shared store: quietly running on a file of their own would split them.
    if (this.config.databaseUrl)
      throw new UsageError(
        "DATABASE_URL is set, but the bot and this command still run on SQLite (PAPERBOT_DB): PostgreSQL is not wired in yet. " +
          "Unset DATABASE_URL; `paperbot migrate` and `paperbot copy --to` are what use it today (see README).",
      );
    if (!this.store) {
      this.store = openStore(this.config.dbPath);
      if (opts.seed !== false) {
        const store = this.store;
        let seeded: IngestSummary | undefined;
        const embeddings = opts.embedSeed === false ? undefined : this.embeddings();
        const added = await addToCollection({ store, embeddings, log: this.log }, async () => {
          seeded = await ensureSeeded(store);
          return seeded ?? emptySummary();
        });
        if (seeded) this.io.err(`paperbot: the collection was empty; ${formatSummary("loaded the bundled seed page", seeded)}`);
        if (added.embedError) this.io.err(`paperbot: embedding the seed page failed (run \`paperbot embed\` to retry): ${added.embedError}`);
      }
    }
    return this.store;
  }

  /** Every kind of data behind its async interface, over the same collection as `papers()` (seeded alike). */
  async stores(opts: { seed?: boolean; embedSeed?: boolean } = {}): Promise<Stores> {
    const store = await this.papers(opts);
    this.opened ??= sqliteStores(store);
    return this.opened;
  }

  /** A progress report on this run's progress stream. */
  progress(label: string, total: number): Progress {
    return createProgress(label, total, this.io.progress);
  }

  /** The embedding model, when one is configured (hybrid search, `embed`). */
  embeddings(): OpenAICompatibleEmbeddings | undefined {
    return createEmbeddings(this.config);
  }

  async engine(): Promise<AnswerEngine> {
    return (await this.built()).engine;
  }

  async retriever(): Promise<Retriever> {
    return (await this.built()).retriever;
  }

  private async built(): Promise<Services> {
    const store = await this.papers();
    this.services ??= buildServices(this.config, store, this.log, await this.stores());
    return this.services;
  }

  close(): void {
    this.store?.db.close();
    this.store = undefined;
    this.services = undefined;
    this.opened = undefined;
  }
}
