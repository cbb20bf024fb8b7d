import { createAnswerEngine, type AnswerEngine } from "../answer/answerEngine.js";
import type { Config } from "../config/config.js";
import type { Logger } from "../config/logger.js";
import { createEmbeddings, type OpenAICompatibleEmbeddings } from "../retrieval/embeddings.js";
import { Retriever } from "../retrieval/retriever.js";
import type { PaperStore } from "../store/paperStore.js";
import type { Stores } from "../store/stores.js";

/** What answers questions over a collection: the one place the bot and the command line build it from the config. */
export interface Services {
  embeddings?: OpenAICompatibleEmbeddings;
  retriever: Retriever;
  engine: AnswerEngine;
}

/** The retriever searches `stores`; the answer engine also reads `store` (the same collection) to resolve names. */
export function buildServices(config: Readonly<Config>, store: PaperStore, log: Logger, stores: Stores): Services {
  const embeddings = createEmbeddings(config);
  const retriever = new Retriever(stores, { embeddings, log });
  return { embeddings, retriever, engine: createAnswerEngine(config, store, retriever, stores, log) };
}
