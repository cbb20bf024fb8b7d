/** Backslash-escapes Discord markdown so outside text (titles, names) shows literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|[\]<>#]/g, "\\$&").replace(/^(\s*)([-+]|\d+\.)(\s)/, "$1\\$2$3");
}

/**
 * Makes mentions inert even where the sender forgets `allowed_mentions`: a zero-width space after
 * the "@" of @everyone / @here and after "<" of user, role and channel mentions.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, "@\u200b$1").replace(/<([@#]|@&|@!)(?=\d)/g, "<\u200b$1");
}

/** A URL made safe inside a markdown link: spaces, parentheses and angle brackets percent-encoded. */
export function linkUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** At most `max` characters, cut at a word boundary with an ellipsis when it had to be cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.\-–—]+$/, "")}…`;
}
