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
