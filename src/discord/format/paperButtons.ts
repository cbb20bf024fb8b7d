import { ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord.js";
import { secondaryButton } from "./button.js";
import { paperSaveRow } from "./saveButtons.js";

/** `paper-ask:<paperId>`: opens a thread on the card in which questions are answered from that paper. */
export const ASK_PAPER_BUTTON = "paper-ask";
/** `paper-read:<paperId>`: fetches and reads the paper's PDF now. */
export const READ_PAPER_BUTTON = "paper-read";

function button(prefix: string, paperId: string, label: string): APIButtonComponent[] {
  const b = secondaryButton(`${prefix}:${paperId}`, label);
  return b ? [b] : [];
}

/** The /paper card's one row: ⭐ Save, "Ask about this paper" (in a server) and "Read full text" (when it is not in). */
export function paperCardRows(paperId: string, offer: { ask: boolean; read: boolean }): APIActionRowComponent<APIButtonComponent>[] {
  const components = [
    ...(paperSaveRow(paperId)[0]?.components ?? []),
    ...(offer.ask ? button(ASK_PAPER_BUTTON, paperId, "Ask about this paper") : []),
    ...(offer.read ? button(READ_PAPER_BUTTON, paperId, "Read full text") : []),
  ];
  return components.length ? [{ type: ComponentType.ActionRow, components }] : [];
}
