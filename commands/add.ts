import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { UserError } from "../src/config/errors.js";
import { checkPdfAttachment, readAttachedPdf } from "../src/discord/attachedPdf.js";
import type { Command } from "../src/discord/command.js";
import { addReply, type AttachedFile } from "../src/discord/format/addReply.js";
import { NO_MENTIONS } from "../src/discord/limits.js";
import { addPapers } from "../src/ingest/addPapers.js";
import { MAX_PAPER_REFS, parsePaperRefs } from "../src/ingest/paperRefs.js";
import { createEmbeddings } from "../src/retrieval/embeddings.js";

export const add = {
  data: new SlashCommandBuilder()
    .setName("add")
    .setDescription("Add papers to the collection and to this server's papers, by arXiv id or link, or a paper's PDF")
    .addStringOption((o) =>
      o
        .setName("papers")
        .setDescription(`Up to ${MAX_PAPER_REFS} arXiv ids or links (arxiv.org, huggingface.co/papers), separated by spaces or commas`)
        .setMaxLength(1000),
    )
    .addAttachmentOption((o) => o.setName("file").setDescription("A paper's PDF: its full text is read, and answers can quote it"))
    .toJSON(),
  cooldownSeconds: 5,

  async execute(interaction, deps) {
    if (!interaction.guildId) throw new UserError("Use /add in a server: the papers become that server's.");
    const papers = interaction.options.getString("papers");
    const file = interaction.options.getAttachment("file");
    const reader = deps.engine.fullText;
    if (!papers && !file) throw new UserError("Give arXiv ids or links in `papers`, or attach a paper's PDF in `file`.");
    if (file && !reader) throw new UserError("This bot does not read PDFs; add the paper by its arXiv id instead.");
    const refs = papers ? parsePaperRefs(papers) : [];
    const { config, stores, log } = deps;
    if (file) checkPdfAttachment(file, config.fulltext.maxPdfMb);
    // Looking papers up and reading a PDF can take longer than the 3 s Discord waits for a first answer.
    await interaction.deferReply();
    const who = { guildId: interaction.guildId, userId: interaction.user.id };
    const outcomes = refs.length
      ? await addPapers(
          { stores, embeddings: createEmbeddings(config), log },
          { hfApiBase: config.hfApiBase, arxivApiBase: config.arxivApiBase, lookup: { log } },
          refs,
          who,
        )
      : [];
    // Their full texts come in the background; the reply does not wait.
    reader?.readLater(outcomes.flatMap((o) => ("paper" in o ? [o.paper.id] : [])));
    let attached: AttachedFile | undefined;
    if (file && reader)
      attached = await readAttachedPdf(reader, file, who, config.fulltext.maxPdfMb).then(
        async (a) => ({ name: file.name, attached: a, fullText: await reader.texts.status(a.paper.id) }),
        (err: unknown) => {
          if (err instanceof UserError) return { name: file.name, problem: err.message };
          throw err;
        },
      );
    const reply = addReply(outcomes, attached);
    const [first, ...rest] = reply.messages;
    if (!first) throw new UserError(reply.problems);
    await interaction.editReply({ ...first, allowedMentions: NO_MENTIONS });
    for (const m of rest) await interaction.followUp({ ...m, allowedMentions: NO_MENTIONS });
    if (reply.problems) await interaction.followUp({ content: reply.problems, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  },
} satisfies Command;
