/** Writes docs/requirements-keys.md from the key table (lib/requirements/keys.ts). `npx tsx scripts/keys-doc.ts` */
import { writeFileSync } from "node:fs";
import { renderKeysDoc } from "../lib/requirements/keys";

writeFileSync(new URL("../docs/requirements-keys.md", import.meta.url), renderKeysDoc());
console.log("wrote docs/requirements-keys.md");
