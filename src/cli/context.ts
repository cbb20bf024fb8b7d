import type { Config } from "../config/config.js";
import type { DestinationStream, Logger } from "../config/logger.js";
import { ensureSeeded } from "../ingest/ensureSeeded.js";
import { addToCollection } from "../ingest/addToCollection.js";
import { createProgress, type Progress, type ProgressStream } from "../config/progress.js";
import { emptySummary, formatSummary, type IngestSummary } from "../ingest/summary.js";
import { openStores, type Stores } from "../store/stores.js";
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

/** What every subcommand gets: config, a logger, output, and the stores (opened, and seeded if empty, on first use). */
export class CliContext {
  private opened?: Promise<Stores>;
  private services?: Services;

  constructor(
    readonly config: Readonly<Config>,
    readonly log: Logger,
    readonly io: CliIo,
  ) {}

  /**
   * Every kind of data behind its async interface: PostgreSQL at DATABASE_URL (migrated first), else the SQLite
   * file at PAPERBOT_DB. An empty collection is seeded with the bundled seed page first (unless `seed: false`).
   */
  stores(opts: { seed?: boolean; embedSeed?: boolean } = {}): Promise<Stores> {
    this.opened ??= this.open(opts);
    return this.opened;
  }

  private async open(opts: { seed?: boolean; embedSeed?: boolean }): Promise<Stores> {
    const stores = await openStores(this.config, { logger: this.log });
    try {
      if (opts.seed !== false) await this.seed(stores, opts.embedSeed !== false);
    } catch (err) {
      await stores.close();
      throw err;
    }
    return stores;
  }

  /** Loads the bundled seed page into an empty collection (and embeds it, with a model), saying so. */
  private async seed(stores: Stores, embed: boolean): Promise<void> {
    let seeded: IngestSummary | undefined;
    const embeddings = embed ? this.embeddings() : undefined;
    const added = await addToCollection({ stores, embeddings, log: this.log }, async () => {
      seeded = await ensureSeeded(stores);
      return seeded ?? emptySummary();
    });
    if (seeded) this.io.err(`paperbot: the collection was empty; ${formatSummary("loaded the bundled seed page", seeded)}`);
    if (added.embedError) this.io.err(`paperbot: embedding the seed page failed (run \`paperbot embed\` to retry): ${added.embedError}`);
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
    this.services ??= buildServices(this.config, await this.stores(), this.log);
    return this.services;
  }

  /** Closes the database (a PostgreSQL pool ends its connections). */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    this.services = undefined;
    await (await opened?.catch(() => undefined))?.close();
  }
}
