/**
 * One vector per key Codex types: the key set to a value of the wrong type, which every known version refuses.
 * Generated from the schema of the oldest known version (keys added later have hand-written vectors), so a key added
 * to the schema gets its wrong-typed vector, and its check against the real binaries, without further work.
 */
import type { Vector } from "./vectors";
import { schemasFor } from "../../../lib/requirements/schema";
import { formatPath } from "../../../lib/requirements/toml";
import { KNOWN_CODEX_VERSIONS } from "../../../lib/requirements/versions";

type Def = { type: string; [k: string]: unknown };
type Node = { def: Def };

function unwrap(schema: Node): Node {
  let s = schema;
  for (;;) {
    const d = s.def;
    if (["optional", "nullable", "default", "readonly", "catch", "nonoptional", "prefault"].includes(d.type)) s = d.innerType as Node;
    else if (d.type === "pipe") s = ((d.in as Node).def.type === "transform" ? d.out : d.in) as Node;
    else return s;
  }
}

/** A TOML value of a type the schema does not accept, or undefined where no single wrong value is certain. */
function wrongValue(node: Node): string | undefined {
  switch (node.def.type) {
    case "string":
      return "1";
    case "boolean":
      return '"yes"';
    case "bigint":
      return '"1"';
    case "enum":
      return "1";
    case "array":
    case "object":
    case "record":
      return "1";
    case "union":
      return "1.5";
    default:
      return undefined;
  }
}

export function wrongTypeVectors(): Vector[] {
  const out: Vector[] = [];
  const walk = (node: Node, path: string[]) => {
    const n = unwrap(node);
    if (path.length > 0) {
      const wrong = wrongValue(n);
      if (wrong !== undefined) {
        const key = formatPath(path);
        out.push({
          name: `wrong type: ${key} = ${wrong}`,
          toml: `${key} = ${wrong}\n`,
          valid: false,
          expect: { code: n.def.type === "enum" ? "enum" : "type", path: key, severity: "error" },
          ...(path[0] === "hooks" ? { hooks: true } : {}),
        });
      }
    }
    if (n.def.type === "object") {
      for (const [k, child] of Object.entries(n.def.shape as Record<string, Node>)) walk(child, [...path, k]);
    } else if (n.def.type === "record" && path[0] !== "permissions") {
      // a record's entries under a sample name (`apps.x.enabled`)
      walk(n.def.valueType as Node, [...path, "x"]);
    }
  };
  walk(schemasFor(KNOWN_CODEX_VERSIONS[0]).structure as unknown as Node, []);
  // Permission profiles live in a record checked per name; one sample profile covers their fields.
  for (const [field, wrong] of [["description", "1"], ["extends", "1"], ["workspace_roots", "1"], ["filesystem", "1"], ["network", "1"]] as const) {
    out.push({ name: `wrong type: permissions.dev.${field} = ${wrong}`, toml: `default_permissions = "dev"\nallowed_permission_profiles = { dev = true }\n[permissions.dev]\n${field} = ${wrong}\n`, valid: false, expect: { code: "type", path: `permissions.dev.${field}`, severity: "error" } });
  }
  out.push({ name: "wrong type: permissions.filesystem.deny_read = 1", toml: "[permissions.filesystem]\ndeny_read = 1\n", valid: false, expect: { code: "type", path: "permissions.filesystem.deny_read", severity: "error" } });
  return out;
}
