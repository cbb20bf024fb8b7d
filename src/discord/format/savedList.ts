import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from "discord.js";
import type { SavedPage, SaveOutcome } from "../../answer/savedPapers.js";
import { paperUrl } from "../../store/paper.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { link, plain } from "./markdown.js";

/** The custom id prefix of the Previous / Next buttons of /saved list: `saved-page:<page>`. */
export const SAVED_PAGE_BUTTON = "saved-page";

export const NOTHING_SAVED = "No papers are saved in this server yet. Press ⭐ Save on a paper of the daily post or on a /paper card.";

const day = (iso: string) => iso.slice(0, 10);
const who = (userId: string | undefined) => (userId ? `<@${userId}>` : "someone");

/** What the ⭐ Save button answers the one who pressed it. */
export function saveReply(outcome: SaveOutcome): string {
  const title = `**${plain(truncate(outcome.paper.title, 300))}**`;
  if (outcome.saved) return `Saved ${title} to this server's list (/saved).`;
  return `Already saved by ${who(outcome.savedBy)} on ${day(outcome.savedAt)}: ${title}.`;
}

function pageButton(label: string, page: number, disabled: boolean): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `${SAVED_PAGE_BUTTON}:${page}`, label, disabled };
}

/** One page of the saved list: a numbered embed (title linked, who saved it, when) and Previous / Next when there are more pages. */
export function savedListMessage(
  page: SavedPage,
  perPage: number,
): { content: string; embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] } {
  if (!page.total) return { content: NOTHING_SAVED, embeds: [], components: [] };
  const first = (page.page - 1) * perPage;
  // Each line stays short enough that a full page fits the description.
  const lines = page.items.map(
    (s, i) => `${first + i + 1}. ${link(truncate(s.paper.title, 200), paperUrl(s.paper))}\n   saved by ${who(s.savedBy)} on ${day(s.savedAt)}`,
  );
  const embed: APIEmbed = {
    title: truncate(`Saved papers (${page.total})`, LIMITS.embedTitle),
    description: truncate(lines.join("\n"), LIMITS.embedDescription),
    footer: { text: `Page ${page.page} of ${page.pages} · /saved export for BibTeX · /saved remove to take one off` },
  };
  const components: APIActionRowComponent<APIButtonComponent>[] =
    page.pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [pageButton("Previous", page.page - 1, page.page <= 1), pageButton("Next", page.page + 1, page.page >= page.pages)],
          },
        ]
      : [];
  return { content: "", embeds: [embed], components };
}
