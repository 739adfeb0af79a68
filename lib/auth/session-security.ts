/** How long a console session lasts; the cookie expires with it. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * Whether the browser reached Charter over TLS, so session cookies must be `Secure` (and named with the `__Secure-`
 * prefix). Charter itself serves plain HTTP; TLS ends at a proxy in front of it. AUTH_URL, when set, is the public
 * address and decides. Otherwise X-Forwarded-Proto is believed only when CHARTER_TRUST_PROXY=1, since any client can
 * send that header.
 */
export function servedOverTls(headers: Pick<Headers, "get">, env: Record<string, string | undefined> = process.env): boolean {
  const publicUrl = env.AUTH_URL ?? env.NEXTAUTH_URL;
  if (publicUrl) return publicUrl.trim().toLowerCase().startsWith("https:");
  if (env.CHARTER_TRUST_PROXY !== "1") return false;
  // A chain of proxies may list several protocols; the first is the one the client used.
  return headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase() === "https";
}

/**
 * The origin the browser used, for Auth.js's own routes. Next.js hands route handlers a URL on its listening address
 * (e.g. localhost), while sign-in started from a server action builds its URLs from the Host / X-Forwarded-* headers;
 * the OIDC redirect_uri must be the same both ways, so the route sees the origin the headers name. AUTH_URL, when set,
 * overrides both (next-auth applies it).
 */
export function publicOrigin(headers: Pick<Headers, "get">, fallback: string): string {
  const host = headers.get("x-forwarded-host")?.split(",")[0].trim() || headers.get("host");
  const proto = (headers.get("x-forwarded-proto")?.split(",")[0].trim() || "http").replace(/:$/, "");
  if (!host || !/^[\w.-]+(:\d{1,5})?$|^\[[\da-f:.]+\](:\d{1,5})?$/i.test(host) || !/^https?$/i.test(proto)) return fallback;
  return `${proto.toLowerCase()}://${host}`;
}
