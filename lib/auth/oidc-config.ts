import { z } from "zod";

/** Single sign-on through one generic OpenID Connect provider, configured by environment (README: "Single sign-on"). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Lower-case email domains whose users may sign in; exact matches only, never subdomains. */
  allowedDomains: string[];
  /** Label of the sign-in button. */
  name: string;
}

export type OidcConfigResult = { ok: true; config: OidcConfig | null } | { ok: false; error: string };

// A DNS name of at least two labels: letters, digits and inner hyphens; no wildcards, no ports, no "@".
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const present = (name: string) =>
  z.string({ error: `${name} is required when CHARTER_OIDC_ISSUER is set` }).trim().min(1, `${name} is required when CHARTER_OIDC_ISSUER is set`);

const envSchema = z.object({
  CHARTER_OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: "CHARTER_OIDC_ISSUER must be an http(s) URL, e.g. https://login.example.com/realms/acme" })
    .transform((u) => u.replace(/\/+$/, "")),
  CHARTER_OIDC_CLIENT_ID: present("CHARTER_OIDC_CLIENT_ID"),
  CHARTER_OIDC_CLIENT_SECRET: present("CHARTER_OIDC_CLIENT_SECRET"),
  CHARTER_OIDC_ALLOWED_DOMAINS: z
    .string({ error: "CHARTER_OIDC_ALLOWED_DOMAINS is required when CHARTER_OIDC_ISSUER is set (comma-separated email domains, e.g. acme.com)" })
    .transform((raw) => raw.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))
    .pipe(
      z
        .array(z.string().regex(DOMAIN, "each entry must be a plain email domain such as acme.com (no wildcards, no scheme)"))
        .min(1, "CHARTER_OIDC_ALLOWED_DOMAINS is required when CHARTER_OIDC_ISSUER is set (comma-separated email domains, e.g. acme.com)"),
    ),
  CHARTER_OIDC_NAME: z.string().trim().max(60).optional(),
});

/**
 * Reads the OIDC settings. No issuer means single sign-on is off (ok, config null). An issuer with anything missing or
 * malformed is an error: the provider is not offered rather than offered with a guessed setting (above all, a missing
 * domain list never means "every domain").
 */
export function parseOidcConfig(env: Record<string, string | undefined>): OidcConfigResult {
  const blankToUndefined = (v: string | undefined) => (v?.trim() ? v : undefined);
  if (!blankToUndefined(env.CHARTER_OIDC_ISSUER)) return { ok: true, config: null };
  const parsed = envSchema.safeParse({
    CHARTER_OIDC_ISSUER: env.CHARTER_OIDC_ISSUER?.trim(),
    CHARTER_OIDC_CLIENT_ID: blankToUndefined(env.CHARTER_OIDC_CLIENT_ID),
    CHARTER_OIDC_CLIENT_SECRET: blankToUndefined(env.CHARTER_OIDC_CLIENT_SECRET),
    CHARTER_OIDC_ALLOWED_DOMAINS: blankToUndefined(env.CHARTER_OIDC_ALLOWED_DOMAINS),
    CHARTER_OIDC_NAME: blankToUndefined(env.CHARTER_OIDC_NAME),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? "");
    const message = issue.message.includes(key) ? issue.message : `${key}: ${issue.message}`;
    return { ok: false, error: message };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      issuer: e.CHARTER_OIDC_ISSUER,
      clientId: e.CHARTER_OIDC_CLIENT_ID,
      clientSecret: e.CHARTER_OIDC_CLIENT_SECRET,
      allowedDomains: [...new Set(e.CHARTER_OIDC_ALLOWED_DOMAINS)],
      name: e.CHARTER_OIDC_NAME ?? "Single sign-on",
    },
  };
}

let cached: { env: string; config: OidcConfig | null } | undefined;

/** The process's OIDC settings; an invalid configuration is logged once and leaves single sign-on off. */
export function oidcConfig(env: Record<string, string | undefined> = process.env): OidcConfig | null {
  const key = JSON.stringify([env.CHARTER_OIDC_ISSUER, env.CHARTER_OIDC_CLIENT_ID, env.CHARTER_OIDC_CLIENT_SECRET, env.CHARTER_OIDC_ALLOWED_DOMAINS, env.CHARTER_OIDC_NAME]);
  if (cached?.env === key) return cached.config;
  const result = parseOidcConfig(env);
  if (!result.ok) console.error(`[charter] single sign-on is OFF: ${result.error}`);
  cached = { env: key, config: result.ok ? result.config : null };
  return cached.config;
}

/** The lower-cased domain of an email address (after its last "@"), or null when there is none. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  return email.slice(at + 1).trim().toLowerCase();
}

/** Whether the email's domain is one of the allowed ones: exact, case-insensitive; "evil-acme.com" and "acme.com.evil.net" are not "acme.com". */
export function isAllowedEmailDomain(email: string, allowedDomains: readonly string[]): boolean {
  const domain = emailDomain(email);
  return domain !== null && allowedDomains.some((d) => d.toLowerCase() === domain);
}
