import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";

/** The custom id prefix of every ⭐ Save button: `save:<paperId>`. */
export const SAVE_BUTTON = "save";

const MAX_CUSTOM_ID = 100;
/** Short enough that five labels share a row on a laptop screen. */
const SHORT_TITLE = 32;

/** The button's custom id, or undefined when the id would not fit in Discord's 100 characters. */
export function saveCustomId(paperId: string): string | undefined {
  const id = `${SAVE_BUTTON}:${paperId}`;
  return id.length <= MAX_CUSTOM_ID ? id : undefined;
}

/** "NanoFlow" from "NanoFlow: Towards Optimal …"; otherwise the title, cut short. */
export function shortTitle(title: string): string {
  const t = title.replace(/\s+/g, " ").trim();
  const head = t.split(/:\s/)[0]!;
  return truncate(head.length >= 3 ? head : t, SHORT_TITLE);
}

function saveButton(paperId: string, label: string): APIButtonComponent | undefined {
  const customId = saveCustomId(paperId);
  if (!customId) return undefined;
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: customId, label: truncate(label, LIMITS.buttonLabel) };
}

/** The single ⭐ Save row of a /paper card. */
export function paperSaveRow(paperId: string): APIActionRowComponent<APIButtonComponent>[] {
  const button = saveButton(paperId, "⭐ Save");
  return button ? [{ type: ComponentType.ActionRow, components: [button] }] : [];
}
