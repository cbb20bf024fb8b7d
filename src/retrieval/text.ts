// Only until src/digest/rankForGroup.ts (being changed on another branch) imports shortTitle from src/text/prose.ts.
export { shortTitle } from "../text/prose.js";
