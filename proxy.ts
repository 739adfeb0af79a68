import { NextResponse, type NextRequest } from "next/server";

// A convenience gate only: it sends visitors without a session cookie to sign-in before rendering anything.
// Every page and handler still checks the session itself (lib/auth/next.ts).
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name) || request.cookies.has(`${name}.0`));
  if (hasSession) return NextResponse.next();
  const url = new URL("/signin", request.url);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Console pages only; API routes answer 401 themselves and sign-in must stay reachable.
  matcher: ["/", "/o/:path*"],
};
