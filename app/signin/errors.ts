/**
 * Words for the ?error= codes that reach the sign-in page: Auth.js's own (it sends every error here) and the ones
 * Charter's single sign-on check adds. Unknown codes get a generic line; nothing from the query is echoed except a
 * domain that looks like a domain.
 */
const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Incorrect email or password.",
  AccessDenied: "Access denied: this account may not sign in to Charter.",
  UnverifiedEmail: "Your identity provider has not verified your email address, so it cannot be used to sign in. Verify it there, then try again.",
  MissingEmail: "Your identity provider did not share a valid email address with Charter. Ask your administrator to release the email claim.",
  IdentityConflict: "This email address is already linked to a different single sign-on identity. Ask a Charter administrator for help.",
  OAuthCallbackError: "The identity provider did not complete the sign-in (it may have been cancelled). Try again.",
  OAuthSignInError: "Single sign-on could not be started. Try again, or ask your administrator to check the identity provider.",
  OAuthAccountNotLinked: "This identity is not linked to a Charter account.",
  Verification: "The sign-in link is no longer valid. Start again.",
  MissingCSRF: "The sign-in form expired. Reload the page and try again.",
  Configuration: "Sign-in could not be completed. Try again; if it keeps failing, ask your administrator to check Charter's logs.",
};

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/i;

export function signInErrorMessage(code: string | undefined, domain?: string, detail?: string): string | null {
  if (!code) return null;
  // A form posted straight to Auth.js comes back here; the wait is only known to the server action's answer.
  if (code === "CredentialsSignin" && detail === "throttled") return "Too many failed sign-ins for this account. Try again later.";
  if (code === "DomainNotAllowed") {
    return domain && DOMAIN.test(domain)
      ? `${domain.toLowerCase()} is not an allowed domain for single sign-on. Use your organisation's account, or ask an administrator.`
      : "Your email domain is not an allowed domain for single sign-on. Use your organisation's account, or ask an administrator.";
  }
  return MESSAGES[code] ?? "Sign-in failed. Try again.";
}

/** Only same-site paths, never an absolute or protocol-relative URL taken from the query string. */
export function safeCallbackUrl(value: unknown): string {
  const url = typeof value === "string" ? value : "";
  return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\") ? url : "/";
}

/** The answer to a password sign-in refused by the throttle (lib/auth/throttle.ts). */
export function throttledMessage(minutes: number): string {
  return `Too many failed sign-ins for this account. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
