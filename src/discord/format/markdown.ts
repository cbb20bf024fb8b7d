import { escapeMarkdown } from "../../text/discordText.js";

/** Paper text shown as-is: no bold/italics/headings from stray characters, and no broken link syntax. */
export const plain = escapeMarkdown;

/** A masked link whose preview Discord does not unfurl. */
export function link(text: string, url: string | undefined): string {
  return url ? `[${plain(text)}](<${url}>)` : plain(text);
}
