// Writes docs/language.md from the compiler's own tables (run by `npm run docs`, after the build).
import { writeFileSync } from "node:fs";
import { languageReference } from "../dist/docs/language-reference.js";

writeFileSync(new URL("../docs/language.md", import.meta.url), languageReference());
