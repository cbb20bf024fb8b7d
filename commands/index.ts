import type { Command } from "../src/discord/command.js";
import { add } from "./add.js";
import { ask } from "./ask.js";
import { compare } from "./compare.js";
import { digest } from "./digest.js";
import { help } from "./help.js";
import { paper } from "./paper.js";
import { saved } from "./saved.js";
import { search } from "./search.js";

/** Every slash command; registration and dispatch both read this list. */
export const commands: Command[] = [ask, compare, paper, search, add, saved, digest, help];
