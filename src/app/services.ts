import { createAnswerEngine, type AnswerEngine } from "../answer/answerEngine.js";
import type { Config } from "../config/config.js";
import type { Logger } from "../config/logger.js";
import { createEmbeddings, type OpenAICompatibleEmbeddings } from "../retrieval/embeddings.js";
import { Retriever } from "../retrieval/retriever.js";
import type { Stores } from "../store/stores.js";

/** What answers questions over a collection: the one place the bot and the command line build it from the config. */
export interface Services {
  embeddings?: OpenAICompatibleEmbeddings;
  retriever: Retriever;
  engine: AnswerEngine;
}

export function buildServices(config: Readonly<Config>, stores: Stores, log: Logger): Services {
  const embeddings = createEmbeddings(config);
  const retriever = new Retriever(stores, { embeddings, log });
  return { embeddings, retriever, engine: createAnswerEngine(config, retriever, stores, log) };
}
