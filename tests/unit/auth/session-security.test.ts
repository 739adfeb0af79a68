import { describe, expect, it } from "vitest";
import { publicOrigin, SESSION_MAX_AGE_SECONDS, servedOverTls } from "../../../lib/auth/session-security";

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

describe("public origin of Auth.js routes", () => {
  it("is the host the browser asked for, so the OIDC redirect URI matches the one sign-in started with", () => {
    expect(publicOrigin(h({ host: "127.0.0.1:3100" }), "http://localhost:3100")).toBe("http://127.0.0.1:3100");
    expect(publicOrigin(h({ host: "internal:3000", "x-forwarded-host": "charter.acme.com", "x-forwarded-proto": "https" }), "http://localhost:3000")).toBe("https://charter.acme.com");
  });

  it("falls back to the server's own origin for a malformed host or protocol", () => {
    expect(publicOrigin(h({ host: "evil.example/@x" }), "http://localhost:3000")).toBe("http://localhost:3000");
    expect(publicOrigin(h({ host: "a.example", "x-forwarded-proto": "javascript" }), "http://localhost:3000")).toBe("http://localhost:3000");
    expect(publicOrigin(h(), "http://localhost:3000")).toBe("http://localhost:3000");
  });
});
