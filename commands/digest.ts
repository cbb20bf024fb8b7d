import {
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
} from "discord.js";
import { MAX_DIGEST_COUNT, parseTerms, suggestTimezones } from "../src/digest/digestConfig.js";
import type { RankMode } from "../src/store/digestSettings.js";
import type { Command } from "../src/discord/command.js";
import { UserError } from "../src/config/errors.js";
import { digestChannelAccess } from "../src/discord/digestChannelAccess.js";
import type { DigestService } from "../src/digest/digestService.js";
import { outcomeMessage, previewMessage, settingsChanged, statusMessage } from "../src/discord/format/digestReplies.js";
import { LIMITS, NO_MENTIONS } from "../src/discord/limits.js";
import { digestVoteHandlers } from "../src/discord/digestVoteHandlers.js";
import { escapeMarkdown, neutralizeMentions } from "../src/text/discordText.js";
import { outcomeText } from "../src/digest/digestWhy.js";
import { MAX_AUTHOR_NAME } from "../src/digest/follows.js";
import { nameKeyOf, sameAuthor } from "../src/digest/authorName.js";
import { EVERY_GROUP } from "../src/store/groupPapers.js";
import { respondWithPapers } from "./paperChoices.js";

const MAX_MIN_UPVOTES = 100_000;

export const digest = {
  data: new SlashCommandBuilder()
    .setName("digest")
    .setDescription("Set up the daily trending-papers post (Manage Server)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName("channel")
        .setDescription("Choose the channel the daily digest is posted in")
        .addChannelOption((o) =>
          o
            .setName("channel")
            .setDescription("A text channel the bot can post in")
            .setRequired(true)
            .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("time")
        .setDescription("Set the time of day the digest is posted")
        .addStringOption((o) => o.setName("time").setDescription("24-hour HH:MM, e.g. 09:00").setRequired(true).setMaxLength(8))
        .addStringOption((o) =>
          o
            .setName("timezone")
            .setDescription("IANA timezone, e.g. Europe/Berlin (default: keep the current one)")
            .setAutocomplete(true)
            .setMaxLength(64),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("count")
        .setDescription("How many papers each digest shows")
        .addIntegerOption((o) =>
          o.setName("count").setDescription(`1 to ${MAX_DIGEST_COUNT}`).setRequired(true).setMinValue(1).setMaxValue(MAX_DIGEST_COUNT),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("filter")
        .setDescription("Only post papers on these topics; leave both empty to clear the filter")
        .addStringOption((o) =>
          o.setName("include").setDescription("Comma-separated terms; a paper must match one (e.g. llm, agent*)").setMaxLength(1000),
        )
        .addStringOption((o) => o.setName("exclude").setDescription("Comma-separated terms; papers matching any are left out").setMaxLength(1000)),
    )
    .addSubcommand((s) =>
      s
        .setName("min-upvotes")
        .setDescription("Only post papers with at least this many upvotes")
        .addIntegerOption((o) =>
          o.setName("upvotes").setDescription("0 posts everything").setRequired(true).setMinValue(0).setMaxValue(MAX_MIN_UPVOTES),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("rank")
        .setDescription("Order the post for this server's papers (for-us) or by upvotes (trending)")
        .addStringOption((o) =>
          o
            .setName("mode")
            .setDescription("for-us: closest to the papers this server brought in; trending: most upvoted")
            .setRequired(true)
            .addChoices({ name: "for-us", value: "for-us" }, { name: "trending", value: "trending" }),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("interests")
        .setDescription("Interest phrases the for-us ranking counts with this server's papers; empty clears them")
        .addStringOption((o) =>
          o.setName("text").setDescription('Comma-separated, e.g. "LLM serving, training systems, GPU kernels"').setMaxLength(1000),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("follow")
        .setDescription("Post an author's new papers first, whatever their upvotes")
        .addStringOption((o) =>
          o
            .setName("author")
            .setDescription('e.g. "Tri Dao" (initials and accents need not match)')
            .setRequired(true)
            .setAutocomplete(true)
            .setMaxLength(MAX_AUTHOR_NAME),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("unfollow")
        .setDescription("Stop following an author")
        .addStringOption((o) =>
          o.setName("author").setDescription("A followed author").setRequired(true).setAutocomplete(true).setMaxLength(MAX_AUTHOR_NAME),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("why")
        .setDescription("Why a paper is, or is not, in a day's digest")
        .addStringOption((o) => o.setName("paper").setDescription("Title or arXiv id").setRequired(true).setAutocomplete(true).setMaxLength(300))
        .addStringOption((o) => o.setName("date").setDescription("YYYY-MM-DD (default: the latest post's day)").setMaxLength(10)),
    )
    .addSubcommand((s) => s.setName("pause").setDescription("Stop posting until resumed"))
    .addSubcommand((s) => s.setName("resume").setDescription("Start posting again from the next scheduled time"))
    .addSubcommand((s) => s.setName("status").setDescription("Show the settings, the next post, the last post and any error"))
    .addSubcommand((s) => s.setName("preview").setDescription("Show (only to you) what would be posted now"))
    .addSubcommand((s) => s.setName("now").setDescription("Post today's digest now (at most once a day per channel)"))
    .toJSON(),

  async execute(interaction, deps) {
    const say = (content: string) =>
      interaction.reply({ content: content.slice(0, LIMITS.content), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    if (!interaction.inGuild()) return void (await say("The digest is set up per server: use `/digest` in a server."));
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild))
      return void (await say("Only members with the **Manage Server** permission can use `/digest`."));
    const service = deps.digest;
    if (!service) return void (await say("The daily digest is not running on this bot right now; try again in a minute."));
    const guildId = interaction.guildId;
    const sub = interaction.options.getSubcommand(true);

    switch (sub) {
      case "channel": {
        const channel = interaction.options.getChannel("channel", true, [ChannelType.GuildText, ChannelType.GuildAnnouncement]);
        const problem = channelProblem(interaction, channel.id);
        if (problem) return void (await say(problem));
        await service.configure(guildId, { channelId: channel.id });
        return void (await say(settingsChanged(`The digest will be posted in <#${channel.id}>.`, await service.status(guildId))));
      }
      case "time": {
        const time = interaction.options.getString("time", true);
        const timezone = interaction.options.getString("timezone") ?? undefined;
        const s = await service.configure(guildId, timezone === undefined ? { time } : { time, timezone });
        return void (await say(settingsChanged(`The digest time is now ${s.time} (${s.timezone}).`, await service.status(guildId))));
      }
      case "count": {
        const s = await service.configure(guildId, { count: interaction.options.getInteger("count", true) });
        return void (await say(
          settingsChanged(`Each digest now shows up to ${s.count} ${s.count === 1 ? "paper" : "papers"}.`, await service.status(guildId)),
        ));
      }
      case "filter": {
        const include = parseTerms(interaction.options.getString("include") ?? "");
        const exclude = parseTerms(interaction.options.getString("exclude") ?? "");
        await service.configure(guildId, { include, exclude });
        const headline = include.length || exclude.length ? "The topic filter is set." : "The topic filter is cleared: every paper qualifies.";
        return void (await say(settingsChanged(headline, await service.status(guildId))));
      }
      case "min-upvotes": {
        const s = await service.configure(guildId, { minUpvotes: interaction.options.getInteger("upvotes", true) });
        const headline = s.minUpvotes ? `Only papers with at least ${s.minUpvotes} upvotes are posted.` : "Papers are posted whatever their upvotes.";
        return void (await say(settingsChanged(headline, await service.status(guildId))));
      }
      case "rank": {
        const s = await service.configure(guildId, { rankMode: interaction.options.getString("mode", true) as RankMode });
        const headline =
          s.rankMode === "for-us"
            ? "The digest is now ranked for this server: papers closest to the ones it brought in (seed, `/add`, ⭐ Save) and its interests come first."
            : "The digest is now ranked by upvotes: the day's most upvoted papers come first.";
        return void (await say(settingsChanged(headline, await service.status(guildId))));
      }
      case "interests": {
        const s = await service.configure(guildId, { interests: parseTerms(interaction.options.getString("text") ?? "") });
        const headline = s.interests.length
          ? `The for-us ranking now counts ${s.interests.length} interest ${s.interests.length === 1 ? "phrase" : "phrases"}.`
          : "The interests are cleared: the for-us ranking uses this server's papers alone.";
        return void (await say(settingsChanged(headline, await service.status(guildId))));
      }
      case "follow": {
        const { author, added } = await service.follows.follow(guildId, interaction.options.getString("author", true), interaction.user.id);
        const count = (await service.follows.list(guildId)).length;
        return void (await say(
          added
            ? `Now following **${safe(author.name)}**: their papers new in the daily feed are posted first, whatever their upvotes ` +
                `(the topic filter still applies). This server follows ${count} ${count === 1 ? "author" : "authors"}.`
            : `This server already follows **${safe(author.name)}**.`,
        ));
      }
      case "unfollow": {
        const name = interaction.options.getString("author", true);
        const gone = await service.follows.unfollow(guildId, name);
        if (gone) return void (await say(`No longer following **${safe(gone.name)}**.`));
        const key = nameKeyOf(name);
        const installationWide = (await service.follows.list(EVERY_GROUP)).find((f) => f.key === key || sameAuthor(f.name, name));
        return void (await say(
          installationWide
            ? `**${safe(installationWide.name)}** is followed for every server of this bot; \`paperbot unfollow\` on the bot's host removes that.`
            : `This server does not follow "${safe(name)}".`,
        ));
      }
      case "why":
        return why(interaction, service, guildId);
      case "pause": {
        await service.pause(guildId, `Paused by ${interaction.user.username} with /digest pause.`);
        return void (await say(settingsChanged("The digest is paused.", await service.status(guildId))));
      }
      case "resume": {
        if (!(await service.settings.get(guildId))?.channelId) return void (await say("Choose a channel first with `/digest channel`."));
        await service.resume(guildId);
        return void (await say(settingsChanged("The digest is running again.", await service.status(guildId))));
      }
      case "status":
        return void (await say(statusMessage(await service.status(guildId))));
      case "preview":
        return preview(interaction, service, guildId);
      case "now":
        return postNow(interaction, service, guildId);
      default:
        return void (await say(`Unknown subcommand "${sub}"; the command list may be out of date.`));
    }
  },

  async autocomplete(interaction, deps) {
    const focused = interaction.options.getFocused(true);
    const typed = String(focused.value);
    if (focused.name === "paper") return respondWithPapers(interaction, deps);
    let names: string[] = [];
    if (focused.name === "timezone") names = suggestTimezones(typed, LIMITS.choices);
    else if (focused.name === "author" && deps.digest && interaction.guildId) {
      const follows = deps.digest.follows;
      names =
        interaction.options.getSubcommand(false) === "unfollow"
          ? (await follows.list(interaction.guildId)).map((f) => f.name).filter((n) => n.toLowerCase().includes(typed.trim().toLowerCase()))
          : await follows.suggest(typed, LIMITS.choices);
    }
    await interaction.respond(names.slice(0, LIMITS.choices).map((n) => ({ name: n.slice(0, 100), value: n.slice(0, 100) })));
  },

  buttons: digestVoteHandlers,
} satisfies Command;

/** Why the digest cannot go to this channel, or undefined when the bot can post there. */
function channelProblem(interaction: ChatInputCommandInteraction<"cached" | "raw">, channelId: string): string | undefined {
  const access = digestChannelAccess(interaction.guild, channelId, interaction.client.user);
  switch (access.kind) {
    case "ok":
      return undefined;
    case "missing":
      return `I can't post the digest in <#${channelId}>: I am missing ${access.missing.join(", ")} there. Give me those permissions (channel settings → Permissions) and try again.`;
    case "unseen":
      return `I can't see <#${channelId}>. Make sure the bot has View Channel, Send Messages, Embed Links and Read Message History there, then try again.`;
    case "unknown":
      return `I couldn't check my permissions in <#${channelId}> just now; try again in a minute.`;
  }
}

async function preview(interaction: ChatInputCommandInteraction, service: DigestService, guildId: string): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let pv: Awaited<ReturnType<DigestService["preview"]>>;
  try {
    pv = await service.preview(guildId);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await interaction.editReply({
      content: `Could not fetch today's papers from Hugging Face: ${reason.slice(0, 300)}`,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  await interaction.editReply({ ...previewMessage(pv, guildId), allowedMentions: NO_MENTIONS });
}

const safe = (text: string) => escapeMarkdown(neutralizeMentions(text));

async function why(interaction: ChatInputCommandInteraction, service: DigestService, guildId: string): Promise<void> {
  const paper = interaction.options.getString("paper", true);
  const date = interaction.options.getString("date")?.trim() || undefined;
  if (date !== undefined && !isDate(date)) {
    await interaction.reply({
      content: `"${safe(date)}" is not a date; use YYYY-MM-DD.`,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let content: string;
  try {
    const a = await service.why(guildId, paper, date);
    const title = a.paper ? `“${safe(a.paper.title)}” (${a.paper.id})` : `"${safe(paper)}"`;
    content =
      a.outcome.kind === "absent" && !a.paper
        ? `No paper matching "${safe(paper)}" is in the feed of ${a.date} or the collection.`
        : `**${title} on ${a.date}:** ${safe(outcomeText(a.outcome))}${a.note ? ` (${safe(a.note)})` : ""}`;
  } catch (err) {
    // Only a failed feed is a UserError here; anything else is the dispatcher's to report.
    if (!(err instanceof UserError)) throw err;
    content = `Could not fetch that day's papers from Hugging Face: ${err.message.slice(0, 300)}`;
  }
  await interaction.editReply({ content: content.slice(0, LIMITS.content), allowedMentions: NO_MENTIONS });
}

function isDate(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)
  );
}

async function postNow(interaction: ChatInputCommandInteraction, service: DigestService, guildId: string): Promise<void> {
  if (!(await service.settings.get(guildId))?.channelId) {
    await interaction.reply({
      content: "Choose a channel first with `/digest channel`.",
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const outcome = await service.postNow(guildId);
  await interaction.editReply({ content: outcomeMessage(outcome), allowedMentions: NO_MENTIONS });
}
