import type { AutocompleteInteraction } from "discord.js";
import { autocomplete } from "../src/retrieval/autocomplete.js";
import type { BotDeps } from "../src/discord/command.js";

/** Autocomplete for an option naming a paper: up to 25 titles or short names; the value is the paper's id. */
export async function respondWithPapers(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const typed = interaction.options.getFocused();
  const suggestions = await autocomplete(deps.stores.names, typed, 25);
  await interaction.respond(suggestions.map((s) => ({ name: s.name, value: s.id.slice(0, 100) })));
}
