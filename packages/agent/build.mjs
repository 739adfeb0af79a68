// Builds dist/charter-agent.mjs: the whole agent in one file, Node's standard library only. Offline and fast (esbuild,
// already in the repository's node_modules). `npm pack` runs it (prepack); nothing runs at install time.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const relay = path.join(here, "src", "relay", "index.ts");

// relay-hook.ts imports "./relay-entry": the decisions relay when src/relay/index.ts exists, else the no-relay stub.
const relayEntry = {
  name: "relay-entry",
  setup(b) {
    b.onResolve({ filter: /^\.\/relay-entry$/ }, (args) => ({
      path: existsSync(relay) ? relay : path.join(args.resolveDir, "relay-entry.ts"),
    }));
  },
};

const result = await build({
  entryPoints: [path.join(here, "src", "cli.ts")],
  outfile: path.join(here, "dist", "charter-agent.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  plugins: [relayEntry],
  metafile: true,
  logLevel: "warning",
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stderr.write(`charter-agent: built dist/charter-agent.mjs (${Math.round(bytes / 1024)} KiB${existsSync(relay) ? ", with the decisions relay" : ""})\n`);
