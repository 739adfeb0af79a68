import { describe, expect, it } from "vitest";
import { SESSION_MAX_AGE_SECONDS, servedOverTls } from "../../../lib/auth/session-security";

const h = (init: Record<string, string> = {}) => new Headers(init);

describe("secure session cookies", () => {
  it("sessions last 8 hours", () => {
    expect(SESSION_MAX_AGE_SECONDS).toBe(8 * 3600);
  });

  it("follows AUTH_URL when it is set, whatever the headers say", () => {
    expect(servedOverTls(h(), { AUTH_URL: "https://charter.acme.com" })).toBe(true);
    expect(servedOverTls(h({ "x-forwarded-proto": "https" }), { AUTH_URL: "http://localhost:3000", CHARTER_TRUST_PROXY: "1" })).toBe(false);
  });

  it("believes X-Forwarded-Proto only behind a trusted proxy", () => {
    expect(servedOverTls(h({ "x-forwarded-proto": "https" }), {})).toBe(false);
    expect(servedOverTls(h({ "x-forwarded-proto": "https" }), { CHARTER_TRUST_PROXY: "1" })).toBe(true);
    expect(servedOverTls(h({ "x-forwarded-proto": "HTTPS, http" }), { CHARTER_TRUST_PROXY: "1" })).toBe(true);
    expect(servedOverTls(h({ "x-forwarded-proto": "http" }), { CHARTER_TRUST_PROXY: "1" })).toBe(false);
    expect(servedOverTls(h(), { CHARTER_TRUST_PROXY: "1" })).toBe(false);
  });
});
