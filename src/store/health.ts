import type { Heartbeat } from "./heartbeat.js";

export interface HealthCheck {
  name: "database" | "gateway" | "digest";
  ok: boolean;
  detail: string;
}

export interface HealthOptions {
  /** Check that a bot is running and connected (off for a CLI-only installation). */
  bot: boolean;
  /** A heartbeat older than this means the bot is not running. */
  staleAfterMs: number;
  now?: Date;
}

/** Whether every shard's bot is running and connected, from their heartbeats (of every machine). */
export function gatewayCheck(beats: Heartbeat[], staleAfterMs: number, now: Date): HealthCheck {
  if (!beats.length) return { name: "gateway", ok: false, detail: "no bot has run on this database" };
  const problems: string[] = [];
  const hosts = new Set(beats.map((b) => b.host ?? "?"));
  for (const b of beats) {
    const age = Math.round((now.getTime() - Date.parse(b.at)) / 1000);
    // With bots on several machines, each shard says where it runs.
    const shard = `shard ${b.shards.join(",")}${hosts.size > 1 ? ` on ${b.host ?? "?"}` : ""}`;
    if (b.gateway === "stopped") problems.push(`${shard} stopped ${age} s ago`);
    else if (age * 1000 > staleAfterMs) problems.push(`${shard} silent for ${age} s (not running?)`);
    else if (b.gateway !== "ready") problems.push(`${shard} not connected to the gateway`);
  }
  return problems.length
    ? { name: "gateway", ok: false, detail: problems.join("; ") }
    : {
        name: "gateway",
        ok: true,
        detail: `connected (${beats.length} shard${beats.length > 1 ? "s" : ""}${hosts.size > 1 ? ` on ${hosts.size} machines: ${[...hosts].sort().join(", ")}` : ""})`,
      };
}

/** The ledger's last post, as the health check reads it. */
export interface LastPost {
  date: string;
  state: string;
  last_error: string | null;
  message_id: string | null;
}

/** The ledger's last post, newest by when it was sent or claimed. */
export const LAST_POST_SQL = "SELECT date, state, last_error, message_id FROM digest_posts ORDER BY coalesce(sent_at, claimed_at) DESC LIMIT 1";

/** How the last digest run ended (reported; never unhealthy). */
export function digestCheck(row: LastPost | undefined): HealthCheck | undefined {
  if (!row) return undefined;
  const what =
    row.state === "sent"
      ? row.message_id
        ? "posted"
        : "nothing new"
      : row.state === "failed"
        ? `failed: ${row.last_error ?? "unknown error"}`
        : "in progress";
  return { name: "digest", ok: true, detail: `last digest ${row.date} ${what}` };
}
