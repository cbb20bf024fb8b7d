import type { Config } from "../config/config.js";
import type { Logger } from "../config/logger.js";
import { ensureSeeded } from "../ingest/ensureSeeded.js";
import { addToCollection } from "../ingest/addToCollection.js";
import { emptySummary, formatSummary, type IngestSummary } from "../ingest/summary.js";
import { openStore } from "../store/openStore.js";
import type { PaperStore } from "../store/paperStore.js";
import { createEmbeddings, type OpenAICompatibleEmbeddings } from "../retrieval/embeddings.js";
import { Retriever } from "../retrieval/retriever.js";
import { createAnswerEngine, type AnswerEngine } from "../answer/answerEngine.js";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  stdin: NodeJS.ReadableStream;
}

/** What every subcommand gets: config, a logger, output, and the store (opened, and seeded if empty, on first use). */
export class CliContext {
  private store?: PaperStore;
  private searcher?: Retriever;

  constructor(
    readonly config: Readonly<Config>,
    readonly log: Logger,
    readonly io: CliIo,
  ) {}

  async papers(opts: { seed?: boolean; embedSeed?: boolean } = {}): Promise<PaperStore> {
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

  /** The embedding model, when one is configured (hybrid search, `embed`). */
  embeddings(): OpenAICompatibleEmbeddings | undefined {
    return createEmbeddings(this.config);
  }

  async engine(): Promise<AnswerEngine> {
    return createAnswerEngine(this.config, await this.papers(), await this.retriever(), this.log);
  }

  async retriever(): Promise<Retriever> {
    this.searcher ??= new Retriever(await this.papers(), { embeddings: this.embeddings(), log: this.log });
    return this.searcher;
  }

  close(): void {
    this.store?.db.close();
    this.store = undefined;
    this.searcher = undefined;
  }
}
