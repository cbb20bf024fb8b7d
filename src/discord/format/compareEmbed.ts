import { EmbedBuilder } from "discord.js";
import type { CompareResult } from "../../answer/answerEngine.js";
import { paperUrl } from "../../store/paper.js";
import { shortTitle, truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { link, plain } from "./markdown.js";

type Done = Extract<CompareResult, { kind: "comparison" }>;
const FIELD = 700;

export function compareEmbed(r: Done): EmbedBuilder {
  const c = r.comparison;
  const side = (key: keyof Done["comparison"]["a"]) => truncate(`**A** ${c.a[key]}\n**B** ${c.b[key]}`, FIELD);
  const embed = new EmbedBuilder()
    .setTitle(truncate(`${shortTitle(r.a.title)} vs ${shortTitle(r.b.title)}`, LIMITS.embedTitle))
    .setDescription(`**A** ${link(truncate(r.a.title, 300), paperUrl(r.a))}\n**B** ${link(truncate(r.b.title, 300), paperUrl(r.b))}`)
    .addFields(
      { name: "Problem", value: side("problem") },
      { name: "Approach", value: side("approach") },
      { name: "Evidence", value: side("evidence") },
      { name: "Limitations", value: side("limitations") },
      { name: "Key differences", value: truncate(c.differences.map((d) => `• ${d}`).join("\n"), FIELD) },
      { name: "When to choose", value: truncate(`**A** ${c.chooseA}\n**B** ${c.chooseB}`, FIELD) },
    );
  if (r.notice) embed.setFooter({ text: truncate(`${r.notice}${r.fallbackReason ? ` (${r.fallbackReason})` : ""}`, LIMITS.footer) });
  return embed;
}

/** "Did you mean" for names that matched nothing or more than one paper. */
export function unresolvedMessage(r: Extract<CompareResult, { kind: "unresolved" }>): string {
  const lines = r.which.map((w) => {
    const x = r[w];
    const label = w.toUpperCase();
    if (!x.candidates.length) return `**${label}**: no paper matches “${plain(truncate(x.query, 100))}”. Try \`/search\`.`;
    const list = x.candidates.map((p) => `• ${plain(truncate(p.title, 150))}`).join("\n");
    return `**${label}**: “${plain(truncate(x.query, 100))}” ${x.ambiguous ? "matches several papers" : "is not a paper I know"}. Did you mean:\n${list}`;
  });
  return truncate(`${lines.join("\n\n")}\n\nPick a suggestion from the autocomplete list to be exact.`, LIMITS.content);
}
