import type { APIAllowedMentions } from "discord.js";
import type { Pings } from "./types.js";

/** True when `allowed_mentions` lets nobody be pinged (`{parse: []}` or equivalent). */
export function mentionsNobody(am: APIAllowedMentions | undefined | null): boolean {
  if (!am) return false;
  return (am.parse ?? []).length === 0 && (am.users ?? []).length === 0 && (am.roles ?? []).length === 0;
}

/** Who a message's content pings once `allowed_mentions` is applied (absent = everything). */
export function computePings(content: unknown, am: APIAllowedMentions | undefined | null): Pings {
  const text = typeof content === "string" ? content : "";
  const users = [...new Set([...text.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1]!))];
  const roles = [...new Set([...text.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1]!))];
  const everyone = /@(everyone|here)\b/.test(text);
  if (!am) return { users, roles, everyone };
  const parse = new Set<string>(am.parse ?? []);
  return {
    users: users.filter((u) => parse.has("users") || (am.users ?? []).includes(u)),
    roles: roles.filter((r) => parse.has("roles") || (am.roles ?? []).includes(r)),
    everyone: everyone && parse.has("everyone"),
  };
}
