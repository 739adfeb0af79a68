/**
 * Step 6 of verification on hosts: Charter's validator (lib/requirements), bundled into the agent at build time and
 * loaded lazily (a 304 never evaluates it). The host's own Codex check after installing remains the ground truth.
 */
import { validateRequirements } from "../../../lib/requirements/index";

export function charterValidate(toml: string): string | null {
  const validation = validateRequirements(toml);
  if (validation.valid) return null;
  const first = validation.diagnostics.find((d) => d.severity === "error");
  return first ? `line ${first.line}: ${first.path ? `${first.path}: ` : ""}${first.message}` : "";
}
