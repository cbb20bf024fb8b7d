import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from "discord.js";
import type { DigestPost } from "../digest/digestPost.js";
import { NONCE_LENGTH } from "../digest/nonce.js";
import { digestButtonRows } from "./format/voteButtons.js";
import { LIMITS } from "./limits.js";

/** Longest URL Discord takes in an embed's `url` or thumbnail. */
const MAX_URL = 2048;
const isHttpUrl = (url: string) => /^https?:\/\/\S+$/i.test(url) && url.length <= MAX_URL;

/** The digest's entries as Discord embeds: title linked to the paper, description, thumbnail when it is a usable URL. */
export function digestEmbeds(post: DigestPost): APIEmbed[] {
  return post.entries.map((e) => {
    const embed: APIEmbed = { title: e.title, url: e.url, description: e.description };
    if (e.thumbnail && isHttpUrl(e.thumbnail)) embed.thumbnail = { url: e.thumbnail };
    return embed;
  });
}

/** Entry titles are markdown-escaped for embeds; button labels show text as is. */
const unescapeMarkdown = (text: string) => text.replace(/\\([\\*_~`|[\]<>#+\-.])/g, "$1");

/** ⭐ Save, 👍 and 👎 for each paper of the post, in the embeds' order. */
export function digestComponents(post: DigestPost): APIActionRowComponent<APIButtonComponent>[] {
  return digestButtonRows(post.entries.map((e) => ({ paperId: e.paperId, title: unescapeMarkdown(e.title) })));
}

/**
 * What is wrong with the post as one Discord message (empty when it fits): content, embed count,
 * titles, descriptions, URLs, the 6,000 characters all embeds share, and the nonce length.
 */
export function digestPostProblems(post: DigestPost, nonce?: string): string[] {
  const problems: string[] = [];
  if (!post.content.trim() && !post.entries.length) problems.push("the message is empty");
  if (post.content.length > LIMITS.content) problems.push(`content is ${post.content.length} characters (max ${LIMITS.content})`);
  if (post.entries.length > LIMITS.embeds) problems.push(`${post.entries.length} embeds (max ${LIMITS.embeds})`);
  let total = 0;
  post.entries.forEach((e, i) => {
    if (!e.title && !e.description) problems.push(`embed ${i + 1} is empty`);
    if (e.title.length > LIMITS.embedTitle) problems.push(`embed ${i + 1} title is ${e.title.length} characters (max ${LIMITS.embedTitle})`);
    if (e.description.length > LIMITS.embedDescription)
      problems.push(`embed ${i + 1} description is ${e.description.length} characters (max ${LIMITS.embedDescription})`);
    if (!isHttpUrl(e.url)) problems.push(`embed ${i + 1} has an unusable url`);
    total += e.title.length + e.description.length;
  });
  if (total > LIMITS.embedsTotal) problems.push(`the embeds hold ${total} characters (max ${LIMITS.embedsTotal})`);
  const rows = digestComponents(post);
  if (rows.length > LIMITS.rows || rows.some((r) => r.components.length > LIMITS.buttonsPerRow))
    problems.push(`more than ${LIMITS.rows} rows of ${LIMITS.buttonsPerRow} buttons`);
  if (nonce !== undefined && (!nonce || nonce.length > NONCE_LENGTH)) problems.push(`the nonce must be 1 to ${NONCE_LENGTH} characters`);
  return problems;
}
