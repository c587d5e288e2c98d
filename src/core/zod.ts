/*
 * Validation uses zod/mini, not zod's classic API: the same checks for a fraction of the bundle
 * (classic zod adds ~440 KB to each Lambda bundle; `npm run bench` measures it). Import this module
 * for its side effect (English messages) next to `import * as z from "zod/mini"`; do not re-export
 * the namespace, or the bundler can no longer drop what is unused.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());
