import { ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";
import { secondaryButton } from "./button.js";

/** The custom id prefix of every ⭐ Save button: `save:<paperId>`. */
export const SAVE_BUTTON = "save";

/** Short enough that five labels share a row on a laptop screen. */
const SHORT_TITLE = 32;

/** The button's custom id, or undefined when the id would not fit in Discord's 100 characters. */
export function saveCustomId(paperId: string): string | undefined {
  const id = `${SAVE_BUTTON}:${paperId}`;
  return id.length <= LIMITS.customId ? id : undefined;
}

/** "NanoFlow" from "NanoFlow: Towards Optimal …"; otherwise the title, cut short. */
export function shortTitle(title: string): string {
  const t = title.replace(/\s+/g, " ").trim();
  const head = t.split(/:\s/)[0]!;
  return truncate(head.length >= 3 ? head : t, SHORT_TITLE);
}

function saveButton(paperId: string, label: string): APIButtonComponent | undefined {
  const customId = saveCustomId(paperId);
  return customId ? secondaryButton(customId, label) : undefined;
}

/** The single ⭐ Save row of a /paper card. */
export function paperSaveRow(paperId: string): APIActionRowComponent<APIButtonComponent>[] {
  const button = saveButton(paperId, "⭐ Save");
  return button ? [{ type: ComponentType.ActionRow, components: [button] }] : [];
}
