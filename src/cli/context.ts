import type { Config } from "../config/config.js";
import type { Logger } from "../config/logger.js";
import { ensureSeeded } from "../ingest/ensureSeeded.js";
import { formatSummary } from "../ingest/summary.js";
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

  async papers(opts: { seed?: boolean } = {}): Promise<PaperStore> {
    if (!this.store) {
      this.store = openStore(this.config.dbPath);
      if (opts.seed !== false) {
        const seeded = await ensureSeeded(this.store);
        if (seeded) this.io.err(`paperbot: the collection was empty; ${formatSummary("loaded the bundled seed page", seeded)}`);
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
