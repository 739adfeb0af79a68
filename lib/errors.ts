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
  const id = crypto.randomUUID();
  log(id, err);
  return { status: 500, body: { error: { code: "internal", message: `Something went wrong on our side (error id ${id}).`, id } } };
}

function defaultLog(id: string, err: unknown) {
  console.error(`[charter] unexpected error ${id}:`, err);
}
