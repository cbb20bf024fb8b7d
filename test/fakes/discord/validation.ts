import { isObject, type Json, MESSAGE_FLAGS } from "./constants.js";
import type { FieldError, Violation } from "./types.js";

/*
 * Discord's limits on what the bot sends (messages, embeds, buttons, autocomplete choices, command
 * registrations, thread names), as Discord reports them: field paths and codes for a 50035 body.
 */

const maxLen = (n: number): [string, string] => ["BASE_TYPE_MAX_LENGTH", `Must be ${n} or fewer in length.`];
const between = (a: number, b: number): [string, string] => ["BASE_TYPE_BAD_LENGTH", `Must be between ${a} and ${b} in length.`];
const required: [string, string] = ["BASE_TYPE_REQUIRED", "This field is required"];

class Violations {
  readonly list: Violation[] = [];
  add(path: (string | number)[], [code, message]: [string, string]): void {
    this.list.push({ path, code, message });
  }
  str(path: (string | number)[], v: unknown, max: number, opts: { min?: number; required?: boolean } = {}): number {
    if (v === undefined || v === null) {
      if (opts.required) this.add(path, required);
      return 0;
    }
    if (typeof v !== "string") {
      this.add(path, ["STRING_TYPE_CONVERT", "Could not interpret value as string."]);
      return 0;
    }
    const len = [...v].length;
    const min = opts.min ?? 0;
    if (len > max || len < min) this.add(path, min > 0 ? between(min, max) : maxLen(max));
    return len;
  }
  url(path: (string | number)[], v: unknown, allowAttachment = false): void {
    if (v === undefined || v === null) return;
    if (typeof v === "string" && allowAttachment && v.startsWith("attachment://")) return;
    let ok = false;
    try {
      const u = new URL(String(v));
      ok = u.protocol === "http:" || u.protocol === "https:" || (allowAttachment && u.protocol === "attachment:");
    } catch {
      ok = false;
    }
    if (!ok) this.add(path, ["URL_TYPE_INVALID_URL", "Not a well formed URL."]);
  }
}

/** Turns violations into Discord's nested `errors` object. */
export function errorTree(violations: Violation[]): Json {
  const root: Json = {};
  for (const v of violations) {
    let node = root;
    for (const key of v.path) {
      const k = String(key);
      if (!isObject(node[k])) node[k] = {};
      node = node[k] as Json;
    }
    const list = (node._errors as FieldError[] | undefined) ?? [];
    list.push({ code: v.code, message: v.message });
    node._errors = list;
  }
  return root;
}

function validateEmbeds(vs: Violations, embeds: unknown, prefix: (string | number)[]): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) return vs.add([...prefix, "embeds"], ["LIST_TYPE_CONVERT", "Must be an array."]);
  if (embeds.length > 10) vs.add([...prefix, "embeds"], maxLen(10));
  let total = 0;
  embeds.forEach((e: unknown, i) => {
    const p = [...prefix, "embeds", i];
    if (!isObject(e)) return vs.add(p, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    total += vs.str([...p, "title"], e.title, 256);
    total += vs.str([...p, "description"], e.description, 4096);
    vs.url([...p, "url"], e.url);
    if (e.color !== undefined && e.color !== null && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff))
      vs.add([...p, "color"], ["NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."]);
    if (e.timestamp !== undefined && e.timestamp !== null && Number.isNaN(Date.parse(String(e.timestamp))))
      vs.add([...p, "timestamp"], ["DATE_TYPE_PARSE", "Could not parse " + String(e.timestamp) + ". Should be ISO8601."]);
    if (e.footer !== undefined && e.footer !== null) {
      const f = e.footer as Json;
      total += vs.str([...p, "footer", "text"], f.text, 2048, { required: true });
      vs.url([...p, "footer", "icon_url"], f.icon_url, true);
    }
    if (e.author !== undefined && e.author !== null) {
      const a = e.author as Json;
      total += vs.str([...p, "author", "name"], a.name, 256, { required: true });
      vs.url([...p, "author", "url"], a.url);
      vs.url([...p, "author", "icon_url"], a.icon_url, true);
    }
    for (const k of ["thumbnail", "image"] as const) if (isObject(e[k])) vs.url([...p, k, "url"], (e[k] as Json).url, true);
    if (e.fields !== undefined && e.fields !== null) {
      if (!Array.isArray(e.fields)) vs.add([...p, "fields"], ["LIST_TYPE_CONVERT", "Must be an array."]);
      else {
        if (e.fields.length > 25) vs.add([...p, "fields"], maxLen(25));
        e.fields.forEach((f: unknown, j) => {
          const fo = isObject(f) ? f : {};
          total += vs.str([...p, "fields", j, "name"], fo.name, 256, { required: true, min: 1 });
          total += vs.str([...p, "fields", j, "value"], fo.value, 1024, { required: true, min: 1 });
        });
      }
    }
  });
  if (total > 6000) vs.add([...prefix, "embeds"], ["MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"]);
}

function validateComponents(vs: Violations, components: unknown, prefix: (string | number)[]): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) return vs.add([...prefix, "components"], ["LIST_TYPE_CONVERT", "Must be an array."]);
  if (components.length > 5) vs.add([...prefix, "components"], maxLen(5));
  const ids = new Set<string>();
  components.forEach((row: unknown, i) => {
    const rp = [...prefix, "components", i];
    if (!isObject(row) || row.type !== 1) return vs.add([...rp, "type"], ["UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).']);
    const children = row.components;
    if (!Array.isArray(children) || children.length === 0) return vs.add([...rp, "components"], between(1, 5));
    if (children.length > 5) vs.add([...rp, "components"], maxLen(5));
    children.forEach((c: unknown, j) => {
      const cp = [...rp, "components", j];
      if (!isObject(c)) return vs.add(cp, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
      const customId = c.custom_id;
      if (typeof customId === "string") {
        if (ids.has(customId)) vs.add([...cp, "custom_id"], ["COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"]);
        ids.add(customId);
      }
      if (c.type === 2) {
        vs.str([...cp, "label"], c.label, 80);
        if (c.label === undefined && c.emoji === undefined) vs.add([...cp, "label"], required);
        if (c.style === 5) {
          if (!c.url) vs.add([...cp, "url"], required);
          vs.url([...cp, "url"], c.url);
          if (customId !== undefined)
            vs.add([...cp, "custom_id"], ["BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id cannot be specified for a link button"]);
        } else if (c.style !== 6) {
          vs.str([...cp, "custom_id"], customId, 100, { required: true, min: 1 });
          if (c.url !== undefined) vs.add([...cp, "url"], ["BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url can only be specified for a link button"]);
        }
        if (![1, 2, 3, 4, 5, 6].includes(c.style as number))
          vs.add([...cp, "style"], ["BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}."]);
      } else {
        // The bot sends buttons only; this fake refuses select menus and text inputs too.
        vs.add([...cp, "type"], ["UNION_TYPE_CHOICES", 'Value of field "type" must be one of (2,).']);
      }
    });
  });
}

/**
 * Checks a message body (create, edit, interaction reply data, follow-up) against Discord's
 * limits. Returns the violations (empty when fine).
 */
export function validateMessage(body: unknown, prefix: (string | number)[] = []): Violation[] {
  const vs = new Violations();
  if (!isObject(body)) {
    vs.add(prefix, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    return vs.list;
  }
  const flags = typeof body.flags === "number" ? body.flags : 0;
  const v2 = (flags & MESSAGE_FLAGS.IsComponentsV2) !== 0;
  vs.str([...prefix, "content"], body.content, 2000);
  if (v2 && typeof body.content === "string" && body.content)
    vs.add(
      [...prefix, "content"],
      ["MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2"],
    );
  validateEmbeds(vs, body.embeds, prefix);
  validateComponents(vs, body.components, prefix);
  if (body.nonce !== undefined && body.nonce !== null) {
    if (typeof body.nonce === "string") vs.str([...prefix, "nonce"], body.nonce, 25);
    else if (!Number.isInteger(body.nonce)) vs.add([...prefix, "nonce"], ["NONCE_TYPE_INVALID", "Nonce must be an integer or string"]);
  }
  const am = body.allowed_mentions;
  if (am !== undefined && am !== null) {
    if (!isObject(am)) vs.add([...prefix, "allowed_mentions"], ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    else {
      const parse = am.parse;
      if (parse !== undefined) {
        if (!Array.isArray(parse)) vs.add([...prefix, "allowed_mentions", "parse"], ["LIST_TYPE_CONVERT", "Must be an array."]);
        else
          parse.forEach((x: unknown, i) => {
            if (!["users", "roles", "everyone"].includes(String(x)))
              vs.add([...prefix, "allowed_mentions", "parse", i], ["BASE_TYPE_CHOICES", "Value must be one of ('everyone', 'roles', 'users')."]);
          });
        for (const k of ["users", "roles"] as const)
          if (Array.isArray(parse) && parse.includes(k) && Array.isArray(am[k]) && (am[k] as unknown[]).length)
            vs.add(
              [...prefix, "allowed_mentions", "parse"],
              ["SET_TYPE_ALREADY_CONTAINS_VALUE", `parse:${k} and ${k}: [ids...] are mutually exclusive.`],
            );
      }
      for (const k of ["users", "roles"] as const)
        if (Array.isArray(am[k]) && (am[k] as unknown[]).length > 100) vs.add([...prefix, "allowed_mentions", k], maxLen(100));
    }
  }
  return vs.list;
}

/** Checks autocomplete results: at most 25 choices, names 1–100 chars, string values ≤ 100. */
export function validateChoices(choices: unknown, prefix: (string | number)[] = ["data"]): Violation[] {
  const vs = new Violations();
  if (!Array.isArray(choices)) {
    vs.add([...prefix, "choices"], ["LIST_TYPE_CONVERT", "Must be an array."]);
    return vs.list;
  }
  if (choices.length > 25) vs.add([...prefix, "choices"], maxLen(25));
  choices.forEach((c: unknown, i) => {
    const co = isObject(c) ? c : {};
    vs.str([...prefix, "choices", i, "name"], co.name, 100, { required: true, min: 1 });
    if (typeof co.value === "string") vs.str([...prefix, "choices", i, "value"], co.value, 100);
    else if (typeof co.value !== "number") vs.add([...prefix, "choices", i, "value"], required);
  });
  return vs.list;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Checks one command of a registration body (names, descriptions, options, choices). */
export function validateCommand(cmd: unknown, prefix: (string | number)[] = []): Violation[] {
  const vs = new Violations();
  if (!isObject(cmd)) {
    vs.add(prefix, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    return vs.list;
  }
  const type = (cmd.type as number | undefined) ?? 1;
  const checkName = (p: (string | number)[], name: unknown, lower: boolean) => {
    if (typeof name !== "string" || !COMMAND_NAME.test(name) || (lower && name !== name.toLowerCase()))
      vs.add(p, ["APPLICATION_COMMAND_INVALID_NAME", `Command name is invalid`]);
  };
  checkName([...prefix, "name"], cmd.name, type === 1);
  if (type === 1) vs.str([...prefix, "description"], cmd.description, 100, { required: true, min: 1 });
  const checkOptions = (options: unknown, p: (string | number)[], depth: number) => {
    if (options === undefined || options === null) return;
    if (!Array.isArray(options)) return vs.add(p, ["LIST_TYPE_CONVERT", "Must be an array."]);
    if (options.length > 25) vs.add(p, maxLen(25));
    const names = new Set<string>();
    let sawOptional = false;
    options.forEach((o: unknown, i) => {
      const op = [...p, i];
      if (!isObject(o)) return vs.add(op, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
      checkName([...op, "name"], o.name, true);
      if (typeof o.name === "string") {
        if (names.has(o.name)) vs.add([...op, "name"], ["APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"]);
        names.add(o.name);
      }
      vs.str([...op, "description"], o.description, 100, { required: true, min: 1 });
      if (o.required) {
        if (sawOptional)
          vs.add(
            [...op, "required"],
            ["APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"],
          );
      } else sawOptional = true;
      if (o.type === 1 || o.type === 2) {
        if (depth >= (o.type === 2 ? 1 : 2)) vs.add([...op, "type"], ["APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Sub-command nesting is too deep"]);
        checkOptions(o.options, [...op, "options"], depth + 1);
        return;
      }
      if (Array.isArray(o.choices)) {
        if (o.autocomplete)
          vs.add([...op, "autocomplete"], ["AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE", "Autocomplete and choices are mutually exclusive"]);
        vs.list.push(...validateChoices(o.choices, op));
      }
    });
  };
  checkOptions(cmd.options, [...prefix, "options"], 0);
  return vs.list;
}

/** Whether a message (body, or stored after an edit) has nothing to show: Discord refuses those (50006). */
export function isEmptyMessage(m: Json): boolean {
  const content = typeof m.content === "string" ? m.content.trim() : "";
  const arr = (k: string) => Array.isArray(m[k]) && (m[k] as unknown[]).length > 0;
  return !content && !arr("embeds") && !arr("components") && !arr("attachments");
}

/** Checks the body that starts a thread: its name, and the auto-archive duration when given. */
export function threadBodyViolations(body: unknown): Violation[] {
  const vs = new Violations();
  const b = isObject(body) ? body : {};
  vs.str(["name"], b.name, 100, { required: true, min: 1 });
  if (b.auto_archive_duration !== undefined && ![60, 1440, 4320, 10080].includes(b.auto_archive_duration as number))
    vs.add(["auto_archive_duration"], ["BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}."]);
  return vs.list;
}

/** A text input (type 4) of a modal; `inLabel` when a label component (type 18) carries its label. */
function validateTextInput(vs: Violations, c: Json, path: (string | number)[], inLabel: boolean, ids: Set<string>): void {
  if (c.type !== 4) return vs.add([...path, "type"], ["UNION_TYPE_CHOICES", 'Value of field "type" must be one of (4,).']);
  vs.str([...path, "custom_id"], c.custom_id, 100, { required: true, min: 1 });
  if (typeof c.custom_id === "string") {
    if (ids.has(c.custom_id)) vs.add([...path, "custom_id"], ["COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"]);
    ids.add(c.custom_id);
  }
  if (c.style !== 1 && c.style !== 2) vs.add([...path, "style"], ["BASE_TYPE_CHOICES", "Value must be one of {1, 2}."]);
  if (inLabel && c.label !== undefined)
    vs.add([...path, "label"], ["TEXT_INPUT_LABEL_NOT_ALLOWED", "A text input inside a label component cannot have a label"]);
  if (!inLabel) vs.str([...path, "label"], c.label, 45, { required: true, min: 1 });
  const bound = (k: "min_length" | "max_length", min: number) => {
    const n = c[k];
    if (n !== undefined && (!Number.isInteger(n) || (n as number) < min || (n as number) > 4000))
      vs.add([...path, k], ["NUMBER_TYPE_MAX", `Must be between ${min} and 4000.`]);
  };
  bound("min_length", 0);
  bound("max_length", 1);
  vs.str([...path, "value"], c.value, typeof c.max_length === "number" ? c.max_length : 4000);
  vs.str([...path, "placeholder"], c.placeholder, 100);
}

/**
 * Checks a modal (callback type 9's `data`): custom id, title, and one to five components, each a
 * label (type 18) around a text input, an action row (type 1) of one text input (the older form),
 * or a text display (type 10). Select menus and file uploads, which the bot does not send, are refused.
 */
export function validateModal(data: unknown, prefix: (string | number)[] = ["data"]): Violation[] {
  const vs = new Violations();
  const d = isObject(data) ? data : {};
  vs.str([...prefix, "custom_id"], d.custom_id, 100, { required: true, min: 1 });
  vs.str([...prefix, "title"], d.title, 45, { required: true, min: 1 });
  const components = d.components;
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    vs.add([...prefix, "components"], between(1, 5));
    return vs.list;
  }
  const ids = new Set<string>();
  components.forEach((c: unknown, i) => {
    const cp = [...prefix, "components", i];
    if (!isObject(c)) return vs.add(cp, ["DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"]);
    if (c.type === 18) {
      vs.str([...cp, "label"], c.label, 45, { required: true, min: 1 });
      vs.str([...cp, "description"], c.description, 100);
      if (!isObject(c.component)) return vs.add([...cp, "component"], required);
      validateTextInput(vs, c.component, [...cp, "component"], true, ids);
    } else if (c.type === 1) {
      const children = Array.isArray(c.components) ? c.components : [];
      if (children.length !== 1 || !isObject(children[0])) return vs.add([...cp, "components"], between(1, 1));
      validateTextInput(vs, children[0], [...cp, "components", 0], false, ids);
    } else if (c.type === 10) vs.str([...cp, "content"], c.content, 4000, { required: true, min: 1 });
    else vs.add([...cp, "type"], ["UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1, 10, 18).']);
  });
  return vs.list;
}
