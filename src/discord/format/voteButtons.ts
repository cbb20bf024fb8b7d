import { ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord.js";
import type { VoteOutcome } from "../../digest/paperVote.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { secondaryButton } from "./button.js";
import { plain } from "./markdown.js";
import { saveCustomId, shortTitle } from "./saveButtons.js";

/** Custom id prefixes of the 👍 / 👎 buttons on the daily post: `vote-up:<paperId>`. */
export const VOTE_UP_BUTTON = "vote-up";
export const VOTE_DOWN_BUTTON = "vote-down";

/** The custom id of the "Rate these papers" button on a post of more than five papers. */
export const RATE_BUTTON = "vote-rate";

/**
 * The daily post's buttons. Up to five papers: a row each, `⭐ Title` `👍` `👎`. Six to ten (three
 * buttons each would pass Discord's 25): the ⭐ buttons five to a row, and one "👍 👎 Rate these
 * papers" button that answers, only to the member, with `👍 Title` `👎` for each paper.
 */
export function digestButtonRows(papers: readonly { paperId: string; title: string }[]): APIActionRowComponent<APIButtonComponent>[] {
  const unique = uniquePapers(papers);
  if (unique.length > LIMITS.rows) {
    const saves = unique.flatMap((p) => {
      const id = saveCustomId(p.paperId);
      const b = id ? secondaryButton(id, `⭐ ${shortTitle(p.title)}`) : undefined;
      return b ? [b] : [];
    });
    // The ⭐ rows leave one row for Rate, whatever the count.
    const saveRows = inRows(saves.slice(0, (LIMITS.rows - 1) * LIMITS.buttonsPerRow), LIMITS.buttonsPerRow);
    return [...saveRows, { type: ComponentType.ActionRow, components: [secondaryButton(`${RATE_BUTTON}:`, "👍 👎 Rate these papers")!] }];
  }
  // A paper whose ids are too long for any button gets no row (Discord refuses an empty one).
  return unique.flatMap((p) => {
    const save = saveCustomId(p.paperId);
    const buttons = [save ? secondaryButton(save, `⭐ ${shortTitle(p.title)}`) : undefined, ...voteButtons(p.paperId)].filter(
      (b): b is APIButtonComponent => !!b,
    );
    return buttons.length ? [{ type: ComponentType.ActionRow as const, components: buttons }] : [];
  });
}

/** What "Rate these papers" answers with: `👍 Title` `👎` for each paper, two papers to a row (ten at most). */
export function rateRows(papers: readonly { paperId: string; title: string }[]): APIActionRowComponent<APIButtonComponent>[] {
  const buttons = uniquePapers(papers)
    .slice(0, LIMITS.rows * 2)
    .flatMap((p) => voteButtons(p.paperId, shortTitle(p.title)));
  return inRows(buttons, 4);
}

function voteButtons(paperId: string, title?: string): APIButtonComponent[] {
  const up = secondaryButton(`${VOTE_UP_BUTTON}:${paperId}`, title ? `👍 ${title}` : "👍");
  const down = secondaryButton(`${VOTE_DOWN_BUTTON}:${paperId}`, "👎");
  return up && down ? [up, down] : [];
}

function uniquePapers<T extends { paperId: string }>(papers: readonly T[]): T[] {
  const seen = new Set<string>();
  return papers.filter((p) => !seen.has(p.paperId) && seen.add(p.paperId));
}

function inRows(buttons: APIButtonComponent[], perRow: number): APIActionRowComponent<APIButtonComponent>[] {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + perRow) });
  return rows;
}

/** The ephemeral answer to a 👍 / 👎 click. */
export function voteReply(o: VoteOutcome): string {
  const title = `**${plain(truncate(o.paper.title, 300))}**`;
  if (o.state === "up") return `👍 Noted: papers like ${title} rank higher in this server's next posts.`;
  if (o.state === "down") return `👎 Noted: papers like ${title} rank lower in this server's next posts.`;
  return `Your vote on ${title} is taken back.`;
}
