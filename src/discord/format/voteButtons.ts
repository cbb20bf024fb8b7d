import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord.js";
import type { VoteOutcome } from "../../digest/paperVote.js";
import { truncate } from "../../retrieval/text.js";
import { LIMITS } from "../limits.js";
import { plain } from "./markdown.js";
import { saveCustomId, shortTitle } from "./saveButtons.js";

/** Custom id prefixes of the 👍 / 👎 buttons on the daily post: `vote-up:<paperId>`. */
export const VOTE_UP_BUTTON = "vote-up";
export const VOTE_DOWN_BUTTON = "vote-down";

const MAX_CUSTOM_ID = 100;

function button(customId: string, label: string): APIButtonComponent | undefined {
  if (customId.length > MAX_CUSTOM_ID) return undefined;
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: customId, label: truncate(label, LIMITS.buttonLabel) };
}

/**
 * The daily post's buttons. Up to five papers: a row each, `⭐ Title` `👍` `👎`. Six to ten (three
 * buttons each would pass Discord's 25): two papers a row, `👍 Title` `👎`, and a 👍 offers ⭐ Save in its reply.
 */
export function digestButtonRows(papers: readonly { paperId: string; title: string }[]): APIActionRowComponent<APIButtonComponent>[] {
  const seen = new Set<string>();
  const unique = papers.filter((p) => !seen.has(p.paperId) && seen.add(p.paperId));
  const compact = unique.length > LIMITS.rows;
  const groups = unique.map((p) => {
    const up = `${VOTE_UP_BUTTON}:${p.paperId}`;
    const down = `${VOTE_DOWN_BUTTON}:${p.paperId}`;
    const save = saveCustomId(p.paperId);
    const buttons = compact
      ? [button(up, `👍 ${shortTitle(p.title)}`), button(down, "👎")]
      : [save ? button(save, `⭐ ${shortTitle(p.title)}`) : undefined, button(up, "👍"), button(down, "👎")];
    return buttons.filter((b): b is APIButtonComponent => !!b);
  });
  const perRow = compact ? 2 : 1;
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < groups.length && rows.length < LIMITS.rows; i += perRow) {
    const components = groups.slice(i, i + perRow).flat();
    if (components.length) rows.push({ type: ComponentType.ActionRow, components });
  }
  return rows;
}

/** The ephemeral answer to a 👍 / 👎 click. */
export function voteReply(o: VoteOutcome): string {
  const title = `**${plain(truncate(o.paper.title, 300))}**`;
  if (o.state === "up") return `👍 Noted: papers like ${title} rank higher in this server's next posts.`;
  if (o.state === "down") return `👎 Noted: papers like ${title} rank lower in this server's next posts.`;
  return `Your vote on ${title} is taken back.`;
}
