import type { z } from "zod";
import type { RequestInfo } from "../audit";
import type { AuditEventType } from "../audit/events";
import type { Actor, OrgContext, Permission, UserActor } from "../auth/actor";
import type { ErrorCode } from "../errors";

/*
 * One admin operation, defined once. Everything else is derived from this object:
 *   - the HTTP route (app/api/v1/[...path]/route.ts dispatches on `http.method` + `http.path`, lib/ops/http.ts),
 *   - the console's server action (`serverAction(op)` in a "use server" file, lib/ops/action.ts),
 *   - the OpenAPI entry (lib/ops/openapi.ts, from `input`, `output`, `summary`, `errors`),
 *   - the access-matrix row (tests/security/access-matrix.ts, from `permission`).
 * Both entry points run the same chain (lib/ops/chain.ts): authenticate → authorise in the org of the route →
 * validate `input` → `run` → the domain writes `audit` in its transaction. Refused attempts of privileged operations
 * (anything above org:read) are audited as "access.denied".
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What the work of an operation gets: the actor's standing in the org, and where the request came from. */
export interface OpContext extends OrgContext {
  actor: Actor;
  request: RequestInfo;
}

/**
 * Who may call: an org permission (the org is the route's `{org}`), "signed-in" (any session, no org yet, e.g. creating
 * an org), or "public" (the operation's own input is the capability, e.g. an invitation link's secret).
 */
export type Access = Permission | "signed-in" | "public";

/** What the work of a signed-in or public operation gets (no org: it has none yet, or finds it from its input). */
export interface AccountContext {
  actor: UserActor | null;
  request: RequestInfo;
}

export type ContextOf<A extends Access> = A extends Permission ? OpContext : A extends "signed-in" ? AccountContext & { actor: UserActor } : AccountContext;

/** JSON turns a Date into its ISO string; domain functions may return either where the wire has a string. */
export type Wire<T> = T extends string
  ? string | Date
  : T extends readonly (infer U)[]
    ? readonly Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export interface HttpBinding<In> {
  method: HttpMethod;
  /** OpenAPI-style path; `{org}` is the org slug, other `{name}` segments become input fields of that name. */
  path: `/api/v1/${string}`;
  /** Success status (default 200). */
  status?: number;
  /**
   * How the body becomes input (default "json": a JSON object merged into the input; GET and DELETE read none).
   * "toml": the body is a requirements.toml (text/plain, application/toml, or JSON {toml}), given as `toml`.
   */
  body?: "json" | "toml";
  /** One input field carried by a request header (e.g. the draft revision in If-Match); `read` may refuse it. */
  header?: { name: string; field: string; read: (req: Request) => unknown };
  /** Error codes whose meaning differs over HTTP (e.g. a stale draft save is a failed If-Match precondition). */
  mapErrors?: Partial<Record<ErrorCode, ErrorCode>>;
  /** A response other than JSON of the output (ETag, Location, a raw TOML format, a download). */
  respond?: (output: unknown, input: In, ctx: { org?: OrgContext["org"] }) => Response;
  /** Content types the response may have besides application/json (documented in OpenAPI). */
  alsoProduces?: string[];
  /** A download that is not JSON at all (then `output` is what `run` hands to `respond`, not a wire shape). */
  download?: string[];
}

export interface Operation<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType, A extends Access = Access> {
  /** Dotted name, also the key of its access-matrix row, e.g. "policy.draft.save". */
  name: string;
  summary: string;
  description?: string;
  permission: A;
  /** The audit event a successful call writes (null for reads). */
  audit: AuditEventType | null;
  /** Every input field, wherever HTTP carries it (path, query, body, headers). Unknown fields are refused. */
  input: I;
  /** The response body (over HTTP, as JSON). */
  output: O;
  /** Error codes besides 401/403/404/422 this operation can answer (documented in OpenAPI). */
  errors?: ErrorCode[];
  http: HttpBinding<z.output<I>>;
  /** Console actions of mutations refresh the org's pages on success. */
  run: (input: z.output<I>, ctx: ContextOf<A>) => Promise<Wire<z.output<O>>>;
}

/** Defines an operation; the identity function, there for the types (input and output inferred from the schemas). */
export function defineOperation<I extends z.ZodObject, O extends z.ZodType, A extends Access>(op: Operation<I, O, A>): Operation<I, O, A> {
  return op;
}

// The registry holds operations of every access kind; `run` is only ever called with the context its kind gets.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<z.ZodObject, z.ZodType, any>;
export type OperationInput<Op> = Op extends Operation<infer I, z.ZodType, Access> ? z.input<I> : never;
/** What callers receive: the output in its JSON form (dates as ISO text), over HTTP and from console actions alike. */
export type OperationOutput<Op> = Op extends Operation<z.ZodObject, infer O, Access> ? z.output<O> : never;

export function isOrgScoped(op: AnyOperation): op is Operation<z.ZodObject, z.ZodType, Permission> {
  return op.permission !== "signed-in" && op.permission !== "public";
}

/** Refused attempts of operations above reading are audited; reads and sign-in level operations are not. */
export function isPrivileged(op: AnyOperation): boolean {
  return isOrgScoped(op) && op.permission !== "org:read";
}
