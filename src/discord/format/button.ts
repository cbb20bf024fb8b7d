import { ButtonStyle, ComponentType, type APIButtonComponent } from "discord.js";
import { truncate } from "../../text/prose.js";
import { LIMITS } from "../limits.js";

/** A grey button, its label cut to Discord's limit; undefined when the custom id would pass Discord's 100 characters. */
export function secondaryButton(customId: string, label: string): APIButtonComponent | undefined {
  if (customId.length > LIMITS.customId) return undefined;
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: customId, label: truncate(label, LIMITS.buttonLabel) };
}
