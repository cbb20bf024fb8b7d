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
