import { afterEach, describe, expect, it, vi } from "vitest";
import { emailDomain, isAllowedEmailDomain, oidcConfig, parseOidcConfig } from "../../../lib/auth/oidc-config";

const full = {
  CHARTER_OIDC_ISSUER: "https://login.acme.com/realms/staff/",
  CHARTER_OIDC_CLIENT_ID: "charter",
  CHARTER_OIDC_CLIENT_SECRET: "s3cret",
  CHARTER_OIDC_ALLOWED_DOMAINS: " Acme.com, @acme.co.uk ,acme.com",
};

describe("single sign-on configuration from the environment", () => {
  it("is off, without error, when no issuer is set", () => {
    expect(parseOidcConfig({})).toEqual({ ok: true, config: null });
    expect(parseOidcConfig({ CHARTER_OIDC_ISSUER: "  ", CHARTER_OIDC_CLIENT_ID: "x" })).toEqual({ ok: true, config: null });
  });

  it("reads a complete configuration, normalising the issuer and the domain list, with the default button label", () => {
    expect(parseOidcConfig(full)).toEqual({
      ok: true,
      config: { issuer: "https://login.acme.com/realms/staff", clientId: "charter", clientSecret: "s3cret", allowedDomains: ["acme.com", "acme.co.uk"], name: "Single sign-on" },
    });
    const named = parseOidcConfig({ ...full, CHARTER_OIDC_NAME: "Acme Okta" });
    expect(named.ok && named.config?.name).toBe("Acme Okta");
  });

  it("refuses an issuer without allowed domains instead of admitting every domain", () => {
    for (const domains of [undefined, "", " , ,"]) {
      const result = parseOidcConfig({ ...full, CHARTER_OIDC_ALLOWED_DOMAINS: domains });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toMatch(/CHARTER_OIDC_ALLOWED_DOMAINS is required/);
    }
  });

  it("refuses wildcard, URL-shaped and single-label domain entries", () => {
    for (const bad of ["*.acme.com", "https://acme.com", "acme", "acme.com:443", "a b.com"]) {
      const result = parseOidcConfig({ ...full, CHARTER_OIDC_ALLOWED_DOMAINS: `acme.com,${bad}` });
      expect(result.ok, bad).toBe(false);
      expect(!result.ok && result.error).toMatch(/CHARTER_OIDC_ALLOWED_DOMAINS/);
    }
  });

  it("names the missing client id or secret, and refuses an issuer that is not an http(s) URL", () => {
    const noId = parseOidcConfig({ ...full, CHARTER_OIDC_CLIENT_ID: "" });
    expect(!noId.ok && noId.error).toBe("CHARTER_OIDC_CLIENT_ID is required when CHARTER_OIDC_ISSUER is set");
    const noSecret = parseOidcConfig({ ...full, CHARTER_OIDC_CLIENT_SECRET: undefined });
    expect(!noSecret.ok && noSecret.error).toBe("CHARTER_OIDC_CLIENT_SECRET is required when CHARTER_OIDC_ISSUER is set");
    const badIssuer = parseOidcConfig({ ...full, CHARTER_OIDC_ISSUER: "ftp://login.acme.com" });
    expect(!badIssuer.ok && badIssuer.error).toMatch(/CHARTER_OIDC_ISSUER must be an http\(s\) URL/);
  });

  describe("oidcConfig()", () => {
    afterEach(() => vi.restoreAllMocks());

    it("logs one clear line and leaves single sign-on off when the configuration is invalid", () => {
      const log = vi.spyOn(console, "error").mockImplementation(() => {});
      const env = { ...full, CHARTER_OIDC_ALLOWED_DOMAINS: "" };
      expect(oidcConfig(env)).toBeNull();
      expect(oidcConfig(env)).toBeNull();
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0][0])).toMatch(/single sign-on is OFF: CHARTER_OIDC_ALLOWED_DOMAINS is required/);
      expect(oidcConfig(full)?.allowedDomains).toEqual(["acme.com", "acme.co.uk"]);
    });
  });
});

describe("allowed email domains", () => {
  const allowed = ["acme.com"];

  it("accepts an exact domain match, whatever the case", () => {
    expect(isAllowedEmailDomain("alice@acme.com", allowed)).toBe(true);
    expect(isAllowedEmailDomain("Alice@ACME.Com", allowed)).toBe(true);
  });

  it("refuses look-alike, suffix, prefix and subdomain tricks", () => {
    for (const email of ["eve@evil-acme.com", "eve@acme.com.evil.net", "eve@evilacme.com", "eve@sub.acme.com", "eve@acme.co", "acme.com@evil.net", "eve@acme.com@evil.net"]) {
      expect(isAllowedEmailDomain(email, allowed), email).toBe(false);
    }
  });

  it("refuses addresses without a domain, and everything when no domain is allowed", () => {
    for (const email of ["acme.com", "@acme.com", "alice@", ""]) expect(isAllowedEmailDomain(email, allowed), email).toBe(false);
    expect(isAllowedEmailDomain("alice@acme.com", [])).toBe(false);
  });

  it("takes the domain after the last @", () => {
    expect(emailDomain("\"a@b\"@Acme.com")).toBe("acme.com");
    expect(emailDomain("nobody")).toBeNull();
  });
});
