import { ZodError } from "zod";

/** The one vocabulary of expected failures. Anything that is not an AppError is a bug: logged with an id, shown generically. */
export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "precondition_failed"
  | "precondition_required"
  | "payload_too_large"
  | "validation_failed"
  | "rate_limited"
  | "unavailable";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  payload_too_large: 413,
  validation_failed: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** Every code a client can see (plus "internal", which only a bug produces). */
export const ERROR_CODES = Object.keys(STATUS) as ErrorCode[];

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; id?: string };
}

/** Maps any thrown value to a status and the public error body. Unexpected errors are logged, never echoed. */
export function toErrorResponse(err: unknown, log: (id: string, err: unknown) => void = defaultLog): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } } };
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = details[0];
    const message = first ? `${first.path || "body"}: ${first.message}` : "Invalid input";
    return { status: 422, body: { error: { code: "validation_failed", message, details } } };
  }
  const refused = refusedByDatabase(err);
  if (refused) return toErrorResponse(new AppError("bad_request", refused), log);
  const id = crypto.randomUUID();
  log(id, err);
  return { status: 500, body: { error: { code: "internal", message: `Something went wrong on our side (error id ${id}).`, id } } };
}

function defaultLog(id: string, err: unknown) {
  console.error(`[charter] unexpected error ${id}:`, err);
}

/**
 * Postgres refuses some values a schema let through: text with NUL, numbers past a column's range, dates before year 1
 * or after 9999 (SQLSTATE class 22, "data exception"). That is bad input, never a server fault: say which kind
 * (Prisma 6 with adapter-pg reports it in three shapes, read here without importing Prisma, so the browser can load this).
 */
export function refusedByDatabase(err: unknown): string | null {
  const e = err as { name?: string; code?: string; message?: string; cause?: { originalCode?: string }; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null;
  if (!e || typeof e !== "object" || typeof e.name !== "string" || !/^(DriverAdapterError|PrismaClient\w*Error)$/.test(e.name)) return null;
  const sqlState = e.cause?.originalCode ?? e.meta?.driverAdapterError?.cause?.originalCode ?? "";
  if (sqlState === "22021" || sqlState === "22P05") return "The request contains a NUL character or bytes that are not UTF-8.";
  if (sqlState === "22003" || e.code === "P2020") return "A number in the request is out of range.";
  if (sqlState === "22008" || sqlState === "22007" || (e.name === "PrismaClientUnknownRequestError" && /convert argument value .*DateTime/.test(e.message ?? "")))
    return "A date in the request is out of range.";
  if (sqlState.startsWith("22")) return "A value in the request is not valid.";
  return null;
}
