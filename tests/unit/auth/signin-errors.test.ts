import { describe, expect, it } from "vitest";
import { safeCallbackUrl, signInErrorMessage, throttledMessage } from "../../../app/signin/errors";

describe("sign-in page error messages", () => {
  it("names the refused domain for single sign-on", () => {
    expect(signInErrorMessage("DomainNotAllowed", "Evil.example")).toMatch(/^evil\.example is not an allowed domain for single sign-on\./);
  });

  it("does not echo a domain parameter that is not a domain", () => {
    const message = signInErrorMessage("DomainNotAllowed", "<b>call 555</b> now");
    expect(message).toMatch(/^Your email domain is not an allowed domain for single sign-on\./);
    expect(message).not.toContain("555");
  });

  it("explains Auth.js's codes in words and falls back to a generic line for unknown codes", () => {
    expect(signInErrorMessage("AccessDenied")).toMatch(/Access denied/);
    expect(signInErrorMessage("OAuthCallbackError")).toMatch(/identity provider did not complete the sign-in/);
    expect(signInErrorMessage("Configuration")).toMatch(/could not be completed.*Charter's logs/);
    expect(signInErrorMessage("UnverifiedEmail")).toMatch(/not verified your email/);
    expect(signInErrorMessage("SomethingNew<script>")).toBe("Sign-in failed. Try again.");
    expect(signInErrorMessage(undefined)).toBeNull();
  });
});

describe("throttled password sign-ins", () => {
  it("say how many minutes to wait, in the singular for one", () => {
    expect(throttledMessage(7)).toBe("Too many failed sign-ins for this account. Try again in 7 minutes.");
    expect(throttledMessage(1)).toBe("Too many failed sign-ins for this account. Try again in 1 minute.");
  });

  it("are explained when Auth.js sends them back to the page, and other credential codes stay a wrong password", () => {
    expect(signInErrorMessage("CredentialsSignin", undefined, "throttled")).toBe("Too many failed sign-ins for this account. Try again later.");
    expect(signInErrorMessage("CredentialsSignin", undefined, "credentials")).toBe("Incorrect email or password.");
  });
});

describe("sign-in callback URLs", () => {
  it("keeps same-site paths and drops absolute or protocol-relative ones", () => {
    expect(safeCallbackUrl("/o/acme/versions?x=1")).toBe("/o/acme/versions?x=1");
    for (const bad of ["https://evil.example/", "//evil.example", "/\\evil.example", "", undefined, 42]) expect(safeCallbackUrl(bad)).toBe("/");
  });
});
