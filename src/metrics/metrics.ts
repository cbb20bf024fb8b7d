import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The bot's Prometheus metrics, one registry per process (prom-client's usual module-level
 * metrics). Nothing here is served unless PAPERBOT_METRICS_PORT is set.
 */
export const registry = new Registry();
registry.setDefaultLabels({ app: "paperbot" });

export const answers = new Counter({
  name: "paperbot_answers_total",
  help: "Answers to /ask and `ask`, by how they were made",
  labelNames: ["mode"] as const,
  registers: [registry],
});

export const modelCalls = new Counter({
  name: "paperbot_model_calls_total",
  help: "Chat model calls, by kind (stream: a written answer; structured: rewrites, judgements, comparisons)",
  labelNames: ["kind"] as const,
  registers: [registry],
});

export const modelFailures = new Counter({
  name: "paperbot_model_failures_total",
  help: "Chat model calls that failed or gave unusable output, by reason",
  labelNames: ["kind", "reason"] as const,
  registers: [registry],
});

const replyBuckets = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 40];

export const askAcknowledged = new Histogram({
  name: "paperbot_ask_acknowledge_seconds",
  help: "Time from a /ask interaction's creation to its acknowledgement (Discord allows 3 s)",
  buckets: replyBuckets,
  registers: [registry],
});

export const askReplied = new Histogram({
  name: "paperbot_ask_reply_seconds",
  help: "Time from a /ask interaction's creation to its final reply",
  buckets: replyBuckets,
  registers: [registry],
});

export const digestRuns = new Counter({
  name: "paperbot_digest_runs_total",
  help: "Daily digest runs for a server and day, by outcome (posted, nothing-new, feed-failed, send-failed, ...)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const papersAdded = new Counter({
  name: "paperbot_papers_added_total",
  help: "Papers that entered the collection (new ones; updates are not counted)",
  registers: [registry],
});

export const userErrors = new Counter({
  name: "paperbot_user_errors_total",
  help: "Error messages shown to users, by kind (user: a message written for them; internal: with an error id)",
  labelNames: ["kind"] as const,
  registers: [registry],
});

export const gatewayConnected = new Gauge({
  name: "paperbot_gateway_connected",
  help: "1 when every shard of this process is connected to the Discord gateway",
  registers: [registry],
});

export const fullTextsRead = new Counter({
  name: "paperbot_fulltext_read_total",
  help: "Papers whose full text was read, by where the PDF came from (arxiv, attachment, file)",
  labelNames: ["source"] as const,
  registers: [registry],
});

export const fullTextFailures = new Counter({
  name: "paperbot_fulltext_failures_total",
  help: "Full texts that could not be read, by reason (no-pdf, not-pdf, encrypted, no-text, too-large, too-many-pages, timeout, http, ...)",
  labelNames: ["reason"] as const,
  registers: [registry],
});

export const fullTextPages = new Counter({
  name: "paperbot_fulltext_pages_total",
  help: "PDF pages read",
  registers: [registry],
});

export const fullTextSeconds = new Histogram({
  name: "paperbot_fulltext_extraction_seconds",
  help: "Time to extract one PDF's text",
  buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 40, 60],
  registers: [registry],
});
