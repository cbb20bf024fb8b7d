import { InvalidArgumentError, type Command } from "commander";
import { UsageError, UserError } from "../config/errors.js";
import { DigestSettingsRepo, defaultDigestSettings } from "../digest/digestConfig.js";
import { RANK_MODES, type DigestSettings, type RankMode } from "../store/digestSettings.js";
import { hfPaperUrl } from "../digest/digestPost.js";
import { previewDigest, runDigest, type DigestDeps, type DigestOutcome, type DigestPreview } from "../digest/digestRunner.js";
import { describeFeedRetry, INTERACTIVE_FEED_RETRY } from "../digest/feedRetry.js";
import { sharedDayFetcher } from "../digest/fetchDay.js";
import { localDate } from "../digest/localTime.js";
import { engineTldr } from "../digest/digestService.js";
import { outcomeText, whyPaper } from "../digest/digestWhy.js";
import { restDigestPoster } from "../discord/restDigestPoster.js";
import { REQUEST_TIMEOUT_MS } from "../ingest/retryingFetch.js";
import { MemoryDigestSettingsStore } from "../store/memoryDigestSettings.js";
import type { CliContext } from "./context.js";
import { discordId, isoDate } from "./parsers.js";

/** The server id a CLI post is recorded under when no --guild is given. */
export const CLI_GUILD = "cli";

interface DigestOptions {
  date?: string;
  dryRun?: boolean;
  json?: boolean;
  guild?: string;
  channel?: string;
  rank?: RankMode;
  why?: string;
}

function rankMode(value: string): RankMode {
  const mode = RANK_MODES.find((m) => m === value.trim().toLowerCase());
  if (!mode) throw new InvalidArgumentError(`expected ${RANK_MODES.join(" or ")}`);
  return mode;
}

export function addDigestCommand(program: Command, ctx: CliContext): void {
  program
    .command("digest")
    .description("print (--dry-run) or post (--channel) one day's trending-papers digest, without the bot")
    .option("--date <YYYY-MM-DD>", "the feed day (default: today, in the server's timezone with --guild, else UTC)", isoDate)
    .option("--dry-run", "print what would be posted and send nothing (no Discord credentials needed)")
    .option("--why <paper>", "say whether that paper (arXiv id or title) was posted for the day and why, or why not; sends nothing")
    .option("--json", "print JSON: with --dry-run {date, papers:[{id, title, upvotes, url}], ...}; else the outcome")
    .option("--guild <id>", "use this server's count and filters, and record the post under it", discordId)
    .option("--channel <id>", "post to this channel through Discord's REST API (needs DISCORD_TOKEN and DISCORD_APP_ID)", discordId)
    .option(
      "--rank <mode>",
      "for-us: closest to the group's papers, lifted by upvotes; trending: most upvoted (default: the server's mode with --guild, else for-us)",
      rankMode,
    )
    .addHelpText(
      "after",
      `
Without --guild the defaults apply (5 papers, no filters, ranked for-us against the
installation-wide profile: the seed page plus every server's added and saved papers) and a post is
recorded under the pseudo server "${CLI_GUILD}". With --guild ID that server's settings (count, filters, timezone) apply
and the post shows in its /digest status; a server whose digest is paused still gets an explicit
CLI post. Either way a channel gets at most one digest per date: if the bot (or an earlier run)
already posted there for that date, nothing is sent and the command says so (exit 0).
Every fetched paper is added to the collection. When the Hugging Face feed fails (unreachable,
HTTP 429 or 5xx, or an answer that is not a list of papers) it is
${describeFeedRetry(INTERACTIVE_FEED_RETRY)},
each request giving up after ${REQUEST_TIMEOUT_MS / 1000} s; then the command fails (exit 1) and the day stays open for a later run.

Examples:
  paperbot digest --date 2026-02-10 --dry-run --json
  paperbot digest --date 2026-02-10 --dry-run --json --rank trending
  paperbot digest --date 2026-02-10 --why 2602.07803
  paperbot digest --date 2026-02-10 --channel 123456789012345678 --guild 234567890123456789

Exit codes: 0 posted, already posted or nothing new; 1 failure; 2 bad usage or missing credentials.`,
    )
    .action(async (opts: DigestOptions) => {
      if (opts.why !== undefined && opts.channel) throw new UsageError("--why only explains a day's post; leave out --channel");
      if (opts.why !== undefined && !opts.why.trim()) throw new UsageError("--why needs a paper: an arXiv id or a title");
      const explain = opts.why !== undefined;
      if (!opts.dryRun && !explain && !opts.channel) throw new UsageError("give --dry-run to print the digest, or --channel ID to post it");
      const { token, appId } = ctx.config.discord;
      if (!opts.dryRun && !explain && (!token || !appId))
        throw new UsageError("DISCORD_TOKEN and DISCORD_APP_ID must be set to post a digest (see .env.example); --dry-run needs neither");

      const stores = await ctx.stores();
      const guildId = opts.guild ?? CLI_GUILD;
      const base = opts.guild ? await new DigestSettingsRepo(stores.digestSettings).getOrDefault(opts.guild) : defaultDigestSettings(CLI_GUILD);
      const date = opts.date ?? localDate(new Date(), base.timezone);
      // The run's settings live in memory: the real server's settings are neither changed nor paused
      // by a CLI run, and no "cli" server ever appears in the bot's schedule.
      const settings = new DigestSettingsRepo(new MemoryDigestSettingsStore());
      await settings.update(guildId, {
        ...settingsPatch(base),
        rankMode: opts.rank ?? base.rankMode,
        channelId: opts.channel ?? base.channelId ?? null,
      });
      const engine = await ctx.engine();
      const deps: DigestDeps = {
        stores,
        settings,
        fetchDay: sharedDayFetcher(ctx.config.hfApiBase, { log: ctx.log }),
        poster: restDigestPoster(ctx.config.discord.apiBase, token ?? "unused", appId ?? ""),
        tldr: engineTldr(engine, stores.papers),
        embeddings: ctx.embeddings(),
        log: ctx.log,
        feedRetry: INTERACTIVE_FEED_RETRY,
        installationProfile: !opts.guild,
      };
      if (explain) {
        const a = await whyPaper({ guildId, date, paper: opts.why!, deps });
        const text = outcomeText(a.outcome) + (a.note ? ` (${a.note})` : "");
        if (opts.json) ctx.io.out(JSON.stringify({ date: a.date, paper: a.paper ?? null, outcome: a.outcome, text }, null, 2));
        else if (!a.paper) ctx.io.out(`${a.date}: no paper matching "${opts.why}" in that day's feed or the collection`);
        else ctx.io.out(`${a.date} ${a.paper.id} "${a.paper.title}": ${text}`);
        return;
      }
      if (opts.dryRun) {
        const pv = await previewDigest({ guildId, date, deps });
        ctx.io.out(opts.json ? JSON.stringify(previewJson(pv, guildId), null, 2) : formatPreview(pv, guildId));
        return;
      }
      const outcome = await runDigest({ guildId, date, deps, ignorePause: true });
      if (opts.json) ctx.io.out(JSON.stringify(outcome, null, 2));
      const { ok, text } = describeOutcome(outcome);
      if (!ok) throw new UserError(text);
      if (!opts.json) ctx.io.out(text);
    });
}

function settingsPatch(s: DigestSettings) {
  return {
    time: s.time,
    timezone: s.timezone,
    count: s.count,
    include: s.include,
    exclude: s.exclude,
    minUpvotes: s.minUpvotes,
    rankMode: s.rankMode,
    interests: s.interests,
  };
}

function previewJson(pv: DigestPreview, guildId: string) {
  const s = pv.settings;
  return {
    date: pv.selection.date,
    guildId,
    channelId: s.channelId ?? null,
    settings: { count: s.count, include: s.include, exclude: s.exclude, minUpvotes: s.minUpvotes, rank: s.rankMode, interests: s.interests },
    newToday: pv.selection.newToday,
    eligible: pv.selection.eligible,
    alreadyPostedHere: pv.selection.alreadyPosted,
    alreadySent: pv.alreadySent ? { messageId: pv.alreadySent.messageId ?? null, sentAt: pv.alreadySent.sentAt ?? null } : null,
    papers: pv.selection.papers.map((i) => ({
      id: i.paper.id,
      title: i.paper.title,
      upvotes: i.paper.upvotes,
      url: hfPaperUrl(i.paper.id),
      reason: pv.selection.reasons.get(i.paper.id) ?? null,
    })),
    content: pv.post.content,
  };
}

function formatPreview(pv: DigestPreview, guildId: string): string {
  const s = pv.settings;
  const sel = pv.selection;
  const filters = [
    s.include.length ? `include ${s.include.join(", ")}` : "",
    s.exclude.length ? `exclude ${s.exclude.join(", ")}` : "",
    s.minUpvotes ? `at least ${s.minUpvotes} upvotes` : "",
  ].filter(Boolean);
  const lines = [
    `Digest for ${sel.date} (server ${guildId}: up to ${s.count} papers, filters: ${filters.join("; ") || "none"}): ` +
      `${sel.papers.length} of ${sel.newToday} new papers`,
  ];
  sel.papers.forEach((item, i) => {
    const p = item.paper;
    const why = sel.reasons.get(p.id);
    lines.push(
      `${String(i + 1).padStart(2)}. ▲ ${String(p.upvotes).padEnd(4)} ${p.title}  [${p.id}]`,
      `    ${hfPaperUrl(p.id)}${why ? `  (${why})` : ""}`,
    );
  });
  if (!sel.papers.length) lines.push(sel.newToday ? "Nothing left after the filters." : "The feed has no new papers for that day.");
  if (pv.alreadySent) lines.push(`Already posted for ${sel.date}${pv.alreadySent.messageId ? ` (message ${pv.alreadySent.messageId})` : ""}.`);
  lines.push(
    s.rankMode === "for-us"
      ? "Ranked for-us: closest to the group's papers and interests, lifted by upvotes (--rank trending: most upvoted)."
      : "Ranked trending: most upvoted first.",
    "Dry run: nothing was posted.",
  );
  return lines.join("\n");
}

/** One line for the outcome, and whether it counts as success (exit 0). */
export function describeOutcome(o: DigestOutcome): { ok: boolean; text: string } {
  const where = o.channelId ? `channel ${o.channelId}` : "the channel";
  switch (o.kind) {
    case "posted":
      return { ok: true, text: `posted ${o.paperIds.length} papers for ${o.date} to ${where} (message ${o.messageId})` };
    case "reconciled":
      return { ok: true, text: `an earlier attempt had already posted ${o.date} to ${where} (message ${o.messageId}); nothing sent` };
    case "already-sent":
      return {
        ok: true,
        text: o.messageId
          ? `already posted for ${o.date} in ${where} (message ${o.messageId}); nothing sent`
          : `already ran for ${o.date} in ${where} (nothing new then); nothing sent`,
      };
    case "nothing-new":
      return {
        ok: true,
        text: o.newToday
          ? `nothing new for ${o.date}: ${o.newToday} new papers, none left after the filters or posted here before; nothing sent`
          : `nothing new for ${o.date}: the feed has no papers for that day; nothing sent`,
      };
    case "busy":
      return { ok: false, text: `another run is posting ${o.date} to ${where} right now` };
    case "skipped":
      return { ok: false, text: `the digest was skipped (${o.reason})` };
    case "paused":
      return { ok: false, text: `cannot post in ${where}: ${o.reason}` };
    case "feed-failed":
    case "send-failed":
    case "error":
      return { ok: false, text: o.error };
  }
}
