import type { RequestInfo } from "../../lib/audit";

/** The request context tests pass where the app passes the HTTP request's (lib/request.ts): audit events record it. */
export const testRequest: RequestInfo = Object.freeze({ requestId: "test-request", ip: "127.0.0.1" });
