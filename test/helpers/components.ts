import type { APIMessage } from "discord.js";

/** The custom ids of a message's buttons, row by row. */
export function buttonCustomIds(msg: Pick<APIMessage, "components">): string[] {
  return (msg.components ?? []).flatMap((row) =>
    "components" in row ? (row.components as { custom_id?: string }[]).flatMap((c) => (c.custom_id ? [c.custom_id] : [])) : [],
  );
}
