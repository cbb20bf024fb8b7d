import type { APIEmbed } from "discord.js";
import type { DigestSettings } from "../../store/digestSettings.js";
import type { DigestOutcome, DigestPreview } from "../../digest/digestRunner.js";
import type { DigestStatus } from "../../digest/digestStatus.js";
import { escapeMarkdown, neutralizeMentions } from "../../text/discordText.js";
import { truncate } from "../../text/prose.js";
import { digestEmbeds } from "../digestMessage.js";
import { LIMITS } from "../limits.js";

/** A link to a message that Discord shows as a jump link. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** Discord timestamps: the reader sees it in their own timezone, and how long until then. */
export function when(unix: number): string {
  return `<t:${unix}:F> (<t:${unix}:R>)`;
}

const safe = (text: string) => escapeMarkdown(neutralizeMentions(text));
const terms = (list: readonly string[]) => truncate(list.map(safe).join(", "), 300);

/** "include llm, rag · exclude robot · at least 10 upvotes", or "none". */
export function filterSummary(s: Pick<DigestSettings, "include" | "exclude" | "minUpvotes">): string {
  const parts = [
    s.include.length ? `include ${terms(s.include)}` : "",
    s.exclude.length ? `exclude ${terms(s.exclude)}` : "",
    s.minUpvotes > 0 ? `at least ${s.minUpvotes} upvotes` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "none";
}

/** "for us (closest to this server's papers and interests: LLM serving, kernels)", or "trending (most upvoted)". */
export function rankSummary(s: Pick<DigestSettings, "rankMode" | "interests">): string {
  if (s.rankMode === "trending") return "trending (most upvoted first)";
  const interests = s.interests.length ? `; interests: ${terms(s.interests)}` : "; no interests set";
  return `for-us (closest to this server's papers, lifted by upvotes${interests})`;
}

/** "<#123> · 5 papers daily at 09:00 (Europe/Berlin)" */
export function scheduleSummary(s: DigestSettings): string {
  const where = s.channelId ? `<#${s.channelId}>` : "no channel yet";
  return `${where} · ${s.count} ${s.count === 1 ? "paper" : "papers"} daily at ${s.time} (${s.timezone})`;
}

/** The reply to a settings change: what was changed, then where things stand. */
export function settingsChanged(headline: string, st: DigestStatus): string {
  const lines = [
    headline,
    `**Daily digest:** ${scheduleSummary(st.settings)}`,
    `**Ranking:** ${rankSummary(st.settings)}`,
    `**Filters:** ${filterSummary(st.settings)}`,
  ];
  if (!st.configured) lines.push("Choose a channel with `/digest channel` to start posting.");
  else if (st.paused) lines.push(`**Paused:** ${safe(st.pausedReason ?? "paused")} Use \`/digest resume\` to start again.`);
  else if (st.nextRun) lines.push(`**Next post:** ${when(st.nextRun.unix)}`);
  return truncate(lines.join("\n"), LIMITS.content);
}

/** `/digest status`. */
export function statusMessage(st: DigestStatus): string {
  const s = st.settings;
  const lines: string[] = [];
  if (!st.configured)
    lines.push(
      `**Daily digest:** not set up. Choose a channel with \`/digest channel\` ` +
        `(it would post ${s.count} papers daily at ${s.time}, ${s.timezone}).`,
    );
  else lines.push(`**Daily digest:** ${scheduleSummary(s)}`);
  lines.push(`**Ranking:** ${rankSummary(s)}`);
  lines.push(`**Filters:** ${filterSummary(s)}`);
  lines.push(`**Following:** ${st.followed.length ? safe(truncate(st.followed.join(", "), 300)) : "nobody (`/digest follow`)"}`);
  const papers = (n: number) => `${n} ${n === 1 ? "paper" : "papers"}`;
  if (st.votes.liked || st.votes.disliked) lines.push(`**Learned from votes:** ${papers(st.votes.liked)} 👍 or ⭐, ${papers(st.votes.disliked)} 👎`);
  if (st.paused) lines.push(`**Paused:** ${safe(st.pausedReason ?? "paused")} Use \`/digest resume\` to start again.`);
  if (st.nextRun) lines.push(`**Next post:** ${when(st.nextRun.unix)}`);
  if (st.lastPost)
    lines.push(
      `**Last post:** ${st.lastPost.date}, ${st.lastPost.count} ${st.lastPost.count === 1 ? "paper" : "papers"}: ` +
        messageLink(st.guildId, st.lastPost.channelId, st.lastPost.messageId),
    );
  else if (st.configured) lines.push("**Last post:** none yet");
  if (st.lastRun?.nothingNew) lines.push(`${st.lastRun.date}: nothing new to post.`);
  if (st.lastError) lines.push(`**Last error** (${st.lastError.date}, ${st.lastError.state}): ${safe(truncate(st.lastError.error, 500))}`);
  return truncate(lines.join("\n"), LIMITS.content);
}

/** What `/digest now` says about its run. */
export function outcomeMessage(o: DigestOutcome): string {
  const where = o.channelId ? `<#${o.channelId}>` : "the digest channel";
  const link = (messageId: string) => messageLink(o.guildId, o.channelId!, messageId);
  switch (o.kind) {
    case "posted":
      return `Posted ${o.paperIds.length} ${o.paperIds.length === 1 ? "paper" : "papers"} for ${o.date} in ${where}: ${link(o.messageId)}`;
    case "reconciled":
      return `The digest for ${o.date} was already in ${where} (an earlier attempt had posted it): ${link(o.messageId)}`;
    case "already-sent":
      return o.messageId
        ? `Already posted the digest for ${o.date} in ${where}: ${link(o.messageId)}\nIt posts at most once a day per channel.`
        : `Already ran for ${o.date}: there was nothing new to post. It posts at most once a day per channel.`;
    case "busy":
      return `The digest for ${o.date} is being posted right now; it will appear in ${where} shortly.`;
    case "nothing-new":
      return o.newToday
        ? `Nothing to post for ${o.date}: ${o.newToday} new ${o.newToday === 1 ? "paper" : "papers"}, none left after the filters (or posted here before).`
        : `Nothing to post for ${o.date}: the feed has no new papers for that day yet.`;
    case "skipped":
      return o.reason === "not-configured" ? "Choose a channel first with `/digest channel`." : `The digest is paused: ${safe(o.detail ?? "")}`;
    case "feed-failed":
      return truncate(`Could not fetch the Hugging Face feed for ${o.date}: ${safe(o.error)}\nTry again later.`, LIMITS.content);
    case "paused":
      return truncate(
        `Could not post in ${where}: ${safe(o.reason)}\nThe digest is paused until you fix this and use \`/digest resume\`.`,
        LIMITS.content,
      );
    case "send-failed":
    case "error":
      return truncate(`Could not post the digest for ${o.date}: ${safe(o.error)}\nTry again later.`, LIMITS.content);
  }
}

/** `/digest preview`: a note on top, then the post exactly as it would look. */
export function previewMessage(pv: DigestPreview, guildId: string): { content: string; embeds: APIEmbed[] } {
  const s = pv.settings;
  const date = pv.post.date;
  let note: string;
  if (pv.alreadySent)
    note = pv.alreadySent.messageId
      ? `The digest for ${date} was already posted: ${messageLink(guildId, pv.alreadySent.channelId, pv.alreadySent.messageId)}`
      : `The digest for ${date} already ran (nothing new then).`;
  else note = s.channelId ? `\`/digest now\` would post this in <#${s.channelId}>.` : "No channel is set yet (`/digest channel`).";
  const head = `-# Preview: nothing was posted. ${note}`;
  if (!pv.post.entries.length) {
    const sel = pv.selection;
    const why = sel.newToday
      ? `${sel.newToday} new ${sel.newToday === 1 ? "paper" : "papers"}, none left after the filters (${filterSummary(s)}) or posted here before.`
      : "the feed has no new papers for that day yet.";
    return { content: truncate(`${head}\nNothing to post for ${date}: ${why}`, LIMITS.content), embeds: [] };
  }
  return { content: truncate(`${head}\n${pv.post.content}`, LIMITS.content), embeds: digestEmbeds(pv.post) };
}
