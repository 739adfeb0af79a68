/** What the test identity provider (oidc-server.ts) and Charter's test server (playwright.config.ts) agree on. */
export const OIDC_CLIENT = { id: "charter-e2e", secret: "charter-e2e-client-secret" } as const;
export const OIDC_ALLOWED_DOMAIN = "acme.example";
export const OIDC_BUTTON = "Acme SSO";

export const oidcIssuer = (port: number) => `http://127.0.0.1:${port}`;

/** The provider's accounts; the login typed on its page is the account id. */
export const OIDC_ACCOUNTS: Record<string, { email: string; email_verified: boolean; name: string }> = {
  "owner@acme.example": { email: "owner@acme.example", email_verified: true, name: "Acme Owner" },
  "alice@acme.example": { email: "alice@acme.example", email_verified: true, name: "Alice Example" },
  "mallory@evil.example": { email: "mallory@evil.example", email_verified: true, name: "Mallory" },
};
