import { fileURLToPath } from "node:url";
import path from "node:path";

/** The package root, so bundled data is found wherever the CLI is run from. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const bundledSeedPage = path.join(packageRoot, "data", "daily-papers-page.txt");
