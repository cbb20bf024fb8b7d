import { isObject, type Json } from "./constants.js";

/**
 * The `data` of a MODAL_SUBMIT interaction (type 5) for a modal the bot showed (callback type 9's
 * `data`), with `values` typed into its text inputs by custom id: what Discord sends, its components
 * in the modal's shape (labels, action rows, text displays) with ids numbered as Discord numbers
 * them when the bot gave none. An input left out is submitted as typed so far (its `value`, else
 * ""). Refuses what Discord's client would not submit: an unknown input, a required one left
 * empty, a value outside its lengths.
 */
export function modalSubmitData(modal: Json, values: Record<string, string>): Json {
  let nextId = 0;
  const idOf = (c: Json) => (typeof c.id === "number" ? c.id : ++nextId);
  const seen = new Set<string>();
  const input = (c: Json): Json => {
    const id = idOf(c);
    const customId = String(c.custom_id);
    seen.add(customId);
    const value = values[customId] ?? (typeof c.value === "string" ? c.value : "");
    const length = [...value].length;
    if (c.required !== false && !length) throw new Error(`FakeDiscord: the modal's input "${customId}" is required`);
    const max = typeof c.max_length === "number" ? c.max_length : 4000;
    const min = typeof c.min_length === "number" ? c.min_length : 0;
    if (length > max || (length && length < min)) throw new Error(`FakeDiscord: the modal's input "${customId}" takes ${min} to ${max} characters`);
    return { type: 4, id, custom_id: customId, value };
  };
  const components = (modal.components as Json[]).map((c): Json => {
    const id = idOf(c);
    if (c.type === 18 && isObject(c.component)) return { type: 18, id, component: input(c.component) };
    if (c.type === 1) return { type: 1, id, components: (c.components as Json[]).map(input) };
    return { type: c.type, id };
  });
  const unknown = Object.keys(values).filter((k) => !seen.has(k));
  if (unknown.length) throw new Error(`FakeDiscord: the modal has no text input ${unknown.map((k) => `"${k}"`).join(", ")}`);
  return { custom_id: modal.custom_id, components };
}
