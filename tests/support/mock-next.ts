/*
 * Stand-ins for the two modules that need a live Next.js request, for tests that run the admin API's handler or the
 * console's actions outside Next. Point both mocks at this file (vi.mock factories are hoisted, hence the import):
 *   vi.mock("next-auth", () => import("../support/mock-next"));
 *   vi.mock("next/headers", () => import("../support/mock-next"));
 * Auth.js's auth() answers as `session.userId` signed in (nobody unless a test sets it); headers and cookies are empty.
 */

/** The signed-in user a test chooses, and each user's server-side session id (lib/auth/sessions.ts). */
export const session = { userId: undefined as string | undefined, sessionIds: {} as Record<string, string> };

// next-auth
export class AuthError extends Error {}
export class CredentialsSignin extends Error {}
export default function NextAuth() {
  return {
    handlers: {},
    // What Auth.js hands back for a signed-in user: the user id and the server-side session id from the JWT.
    auth: async () => (session.userId ? { user: { id: session.userId }, sid: session.sessionIds[session.userId], expires: new Date(Date.now() + 60_000).toISOString() } : null),
    signIn: async () => undefined,
    signOut: async () => undefined,
  };
}

// next/headers
export const headers = async () => new Headers();
export const cookies = async () => ({ get: () => undefined, getAll: () => [], has: () => false });
