import { parseArgs as parseNodeArgs, type ParseArgsConfig } from "node:util";

/**
 * node:util's parseArgs, except that the value of a string option may begin with "-". Key fingerprints are base64url,
 * and one in 64 begins with "-": parseArgs refuses `--trust-fingerprint -Xy…` as ambiguous, so the command the console
 * shows would fail on those hosts. Here a string option takes the next argument as its value unless that argument is
 * one of the command's own options (`--org --check` is still "--org needs a value").
 */
export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseNodeArgs<T>> {
  const options = config.options ?? {};
  const isOption = (arg: string) => arg.startsWith("--") && Object.hasOwn(options, arg.slice(2).split("=")[0]);
  const args = config.args ?? [];
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : null;
    if (name && options[name]?.type === "string" && next?.startsWith("-") && !isOption(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return parseNodeArgs({ ...config, args: joined } as T);
}
