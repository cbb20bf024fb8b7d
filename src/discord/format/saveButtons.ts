import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord.js";
import { truncate } from "../../retrieval/text.js";
import { LIMITS } from "../limits.js";

/** The custom id prefix of every ⭐ Save button: `save:<paperId>`. */
export const SAVE_BUTTON = "save";

const MAX_CUSTOM_ID = 100;
const BUTTONS_PER_ROW = LIMITS.buttonsPerRow;
const MAX_ROWS = LIMITS.rows;
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

/** One ⭐ Save button per paper, five to a row, in the order given (at most 25; custom ids are unique). */
export function saveButtonRows(papers: readonly { paperId: string; title: string }[]): APIActionRowComponent<APIButtonComponent>[] {
  const seen = new Set<string>();
  const buttons = papers
    .filter((p) => !seen.has(p.paperId) && seen.add(p.paperId))
    .map((p) => saveButton(p.paperId, `⭐ ${shortTitle(p.title)}`))
    .filter((b): b is APIButtonComponent => !!b)
    .slice(0, BUTTONS_PER_ROW * MAX_ROWS);
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW)
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
  return rows;
}

/** The single ⭐ Save row of a /paper card. */
export function paperSaveRow(paperId: string): APIActionRowComponent<APIButtonComponent>[] {
  const button = saveButton(paperId, "⭐ Save");
  return button ? [{ type: ComponentType.ActionRow, components: [button] }] : [];
}
