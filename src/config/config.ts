import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const snowflake = optional.refine((v) => v === undefined || /^\d{15,21}$/.test(v), {
  message: "expected a Discord id (15 to 21 digits)",
});

const url = (fallback?: string) =>
  optional
    .refine((v) => v === undefined || URL.canParse(v), { message: "expected an http(s) URL" })
    .transform((v) => (v ?? fallback)?.replace(/\/+$/, ""));

const count = (fallback?: number) =>
  optional
    .refine((v) => v === undefined || /^\d+$/.test(v), { message: "expected a whole number" })
    .transform((v) => (v === undefined ? fallback : Number(v)));

const ConfigSchema = z.object({
  PAPERBOT_DB: optional.transform((v) => v ?? "data/paperbot.db"),
  /** A PostgreSQL database (postgres://…), for `paperbot migrate`; the bot and the other commands still use PAPERBOT_DB. */
  DATABASE_URL: optional,
  DATABASE_TIMEOUT_MS: count(30_000),
  DISCORD_TOKEN: optional,
  DISCORD_APP_ID: snowflake,
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_BASE: url("https://discord.com/api"),
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: url(),
  OPENAI_MODEL: optional,
  OPENAI_EMBEDDING_MODEL: optional,
  HF_API_BASE: url("https://huggingface.co"),
  ARXIV_API_BASE: url("https://export.arxiv.org"),
  ARXIV_PDF_BASE: url("https://arxiv.org"),
  ARXIV_PDF_PAUSE_MS: count(3000),
  PAPERBOT_FULLTEXT_MAX_MB: count(500),
  PAPERBOT_PDF_MAX_PAGES: count(80),
  PAPERBOT_PDF_MAX_MB: count(25),
  PAPERBOT_USER_DAILY_ANSWERS: count(),
  PAPERBOT_GUILD_DAILY_ANSWERS: count(),
  PAPERBOT_MAX_ANSWER_TOKENS: count(400),
  PAPERBOT_METRICS_PORT: count(),
  PAPERBOT_METRICS_HOST: optional,
  LOG_LEVEL: optional.pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional()),
});

export interface Config {
  dbPath: string;
  /** DATABASE_URL: a PostgreSQL database, used only by `paperbot migrate` so far. */
  databaseUrl?: string;
  /** How long one PostgreSQL connect or query may take before it fails with a clear error (a slow or unreachable database). */
  databaseTimeoutMs: number;
  discord: { token?: string; appId?: string; guildId?: string; apiBase: string };
  openai: { apiKey?: string; baseUrl?: string; model?: string; embeddingModel?: string };
  hfApiBase: string;
  /** The arXiv API (`/api/query`), where `/add` looks up papers Hugging Face does not have. */
  arxivApiBase: string;
  /** Full text: where arXiv PDFs come from, the pause between two of them, the installation's cap, one PDF's limits. */
  fulltext: { pdfBase: string; pauseMs: number; maxStoredMb: number; maxPages: number; maxPdfMb: number };
  /** Written (model) answers per user and per server per day; undefined = no limit. */
  budgets: { userDaily?: number; guildDaily?: number };
  maxAnswerTokens: number;
  /** Where the bot serves /metrics and /healthz; no port, no server. */
  metrics: { port?: number; host: string };
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once; a bad value names the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new ConfigError(`${name}: ${issue?.message ?? "invalid value"}`);
  }
  const e = parsed.data;
  return Object.freeze({
    dbPath: e.PAPERBOT_DB,
    databaseUrl: e.DATABASE_URL,
    databaseTimeoutMs: e.DATABASE_TIMEOUT_MS ?? 30_000,
    discord: Object.freeze({
      token: e.DISCORD_TOKEN,
      appId: e.DISCORD_APP_ID,
      guildId: e.DISCORD_GUILD_ID,
      apiBase: e.DISCORD_API_BASE ?? "https://discord.com/api",
    }),
    openai: Object.freeze({
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
    }),
    hfApiBase: e.HF_API_BASE ?? "https://huggingface.co",
    arxivApiBase: e.ARXIV_API_BASE ?? "https://export.arxiv.org",
    fulltext: Object.freeze({
      pdfBase: e.ARXIV_PDF_BASE ?? "https://arxiv.org",
      pauseMs: e.ARXIV_PDF_PAUSE_MS ?? 3000,
      maxStoredMb: e.PAPERBOT_FULLTEXT_MAX_MB ?? 500,
      maxPages: e.PAPERBOT_PDF_MAX_PAGES ?? 80,
      maxPdfMb: e.PAPERBOT_PDF_MAX_MB ?? 25,
    }),
    budgets: Object.freeze({ userDaily: e.PAPERBOT_USER_DAILY_ANSWERS, guildDaily: e.PAPERBOT_GUILD_DAILY_ANSWERS }),
    maxAnswerTokens: e.PAPERBOT_MAX_ANSWER_TOKENS ?? 400,
    metrics: Object.freeze({ port: e.PAPERBOT_METRICS_PORT, host: e.PAPERBOT_METRICS_HOST ?? "127.0.0.1" }),
    logLevel: e.LOG_LEVEL,
  });
}
