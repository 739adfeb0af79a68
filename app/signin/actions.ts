"use server";

import { AuthError } from "next-auth";
import { signIn, ssoOption } from "@/lib/auth/next";
import { OIDC_PROVIDER_ID } from "@/lib/auth/sso";
import { safeCallbackUrl, throttledMessage } from "./errors";

export interface SignInState {
  error?: string;
  email?: string;
}

/** The sign-in forms post FormData; anything else is a request made by hand, refused like a wrong password form. */
const NOT_A_FORM: SignInState = { error: "The sign-in request was not a form submission. Reload the page and try again." };

/** Signs in with a local account. Success redirects (thrown by signIn); a refusal comes back as a message. */
export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  if (!(form instanceof FormData)) return NOT_A_FORM;
  const email = String(form.get("email") ?? "");
  try {
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      redirectTo: safeCallbackUrl(form.get("callbackUrl")),
    });
    return {};
  } catch (err) {
    if (err instanceof AuthError) {
      const wait = (err as { retryAfterMinutes?: unknown }).retryAfterMinutes;
      if (typeof wait === "number") return { email, error: throttledMessage(wait) };
      return { email, error: err.type === "CredentialsSignin" ? "Incorrect email or password." : "Sign-in failed. Try again." };
    }
    throw err;
  }
}

/** Starts single sign-on: a redirect to the identity provider (thrown by signIn), or a message when it cannot start. */
export async function signInWithSso(_prev: SignInState, form: FormData): Promise<SignInState> {
  if (!(form instanceof FormData)) return NOT_A_FORM;
  if (!ssoOption()) return { error: "Single sign-on is not configured on this server." };
  try {
    await signIn(OIDC_PROVIDER_ID, { redirectTo: safeCallbackUrl(form.get("callbackUrl")) });
    return {};
  } catch (err) {
    if (err instanceof AuthError) {
      return { error: "The identity provider could not be reached. Try again, or ask your administrator to check the single sign-on settings." };
    }
    throw err;
  }
}
