import { z } from "zod";
import { errorResponse } from "../policies/schemas";
import type { ErrorCode } from "../errors";
import type { AnyOperation } from "./define";

/*
 * The OpenAPI entries of the operations, generated from their definitions: path and query parameters and the body
 * from `input`, the success response from `output`, the error responses from `permission` and `errors`.
 */

type Json = Record<string, unknown>;

export function jsonSchema(s: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return rest;
}

const ERROR_TEXT: Partial<Record<ErrorCode, [number, string]>> = {
  unauthenticated: [401, "No session and no valid admin token."],
  forbidden: [403, "The role or token scopes do not allow this (refusals of changes are audited)."],
  not_found: [404, "No such org for this actor, or no such object in it."],
  conflict: [409, "Conflict with the current state (nothing changed)."],
  precondition_failed: [412, "If-Match names a stale revision; details.theirs holds the current one."],
  payload_too_large: [413, "Body or policy larger than allowed."],
  validation_failed: [422, "Invalid input (details lists each field)."],
  precondition_required: [428, "If-Match missing."],
};

const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

function responses(op: AnyOperation): Json {
  const codes: ErrorCode[] = ["unauthenticated", "not_found", "validation_failed", ...(op.permission === "org:read" ? [] : (["forbidden"] as const)), ...(op.errors ?? [])];
  const out: Json = {
    [String(op.http.status ?? 200)]: {
      description: op.summary,
      content: {
        ...(op.http.download ? {} : { "application/json": { schema: jsonSchema(op.output, "output") } }),
        ...Object.fromEntries([...(op.http.alsoProduces ?? []), ...(op.http.download ?? [])].map((type) => [type, { schema: { type: "string" } }])),
      },
    },
  };
  for (const code of codes) {
    const [status, description] = ERROR_TEXT[code] ?? [0, code];
    if (status) out[String(status)] = { description, content: errorContent };
  }
  return out;
}

function operationEntry(op: AnyOperation): Json {
  const pathNames = [...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const shape = op.input.shape as Record<string, z.ZodType>;
  const inBody = op.http.method !== "GET" && op.http.method !== "DELETE";
  const header = op.http.header;
  const parameters: Json[] = pathNames.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: name === "org" ? { type: "string" } : jsonSchema(shape[name] ?? z.string(), "input"),
    ...(name === "org" ? { description: "Organisation slug." } : {}),
  }));
  const bodyFields = Object.keys(shape).filter((k) => !pathNames.includes(k) && k !== header?.field);
  if (!inBody) {
    for (const name of bodyFields) {
      const field = jsonSchema(shape[name], "input");
      parameters.push({ name, in: "query", required: !shape[name].safeParse(undefined).success, schema: field });
    }
  }
  if (header) parameters.push({ name: header.name, in: "header", required: true, schema: { type: "string" }, description: `Carries \`${header.field}\`.` });
  const body = inBody && bodyFields.length > 0 ? jsonSchema(z.object(Object.fromEntries(bodyFields.map((k) => [k, shape[k]]))).strict(), "input") : null;
  return {
    operationId: op.name,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content:
              op.http.body === "toml"
                ? { "text/plain": { schema: { type: "string" } }, "application/toml": { schema: { type: "string" } }, "application/json": { schema: body } }
                : { "application/json": { schema: body } },
          },
        }
      : {}),
    responses: responses(op),
    "x-charter-permission": op.permission,
    ...(op.audit ? { "x-charter-audit-event": op.audit } : {}),
  };
}

/** `{ [path]: { [method]: entry } }` for every operation. */
export function operationPaths(ops: readonly AnyOperation[]): Record<string, Record<string, Json>> {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of ops) (paths[op.http.path] ??= {})[op.http.method.toLowerCase()] = operationEntry(op);
  return paths;
}

export const errorSchema = () => jsonSchema(errorResponse, "output");
