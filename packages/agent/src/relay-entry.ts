// No relay in this build: build.mjs puts src/relay/index.ts in this module's place when it exists (see relay-hook.ts).
import type { StartRelay } from "./relay-hook";

export const startRelay: StartRelay | null = null;
