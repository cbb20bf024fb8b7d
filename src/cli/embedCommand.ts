import type { Command } from "commander";
import { UsageError } from "../config/errors.js";
import { embedBacklog, formatEmbedSummary } from "../retrieval/embedBacklog.js";
import { createEmbeddings } from "../retrieval/embeddings.js";
import type { CliContext } from "./context.js";
import { positiveInt } from "./parsers.js";

export function addEmbedCommand(program: Command, ctx: CliContext): void {
  program
    .command("embed")
    .description("compute dense vectors (for hybrid search) for papers that lack one or have changed")
    .option("--batch <n>", "papers per request and per commit", positiveInt(2048), 64)
    .action(async (opts: { batch: number }) => {
      const embeddings = createEmbeddings(ctx.config);
      // A configuration problem, hence exit code 2 (UsageError is the UserError that carries it).
      if (!embeddings)
        throw new UsageError(
          "no embedding model is configured. Set OPENAI_EMBEDDING_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL " +
            "(e.g. OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_EMBEDDING_MODEL=nomic-embed-text for Ollama).",
        );
      // It embeds the whole backlog itself, a just-loaded seed page included.
      const stores = await ctx.stores({ embedSeed: false });
      const s = await embedBacklog(stores, embeddings, embeddings.model, {
        batchSize: opts.batch,
        progress: (total) => ctx.progress("embed", total),
        log: ctx.log,
      });
      ctx.io.out(formatEmbedSummary(embeddings.model, s));
    });
}
