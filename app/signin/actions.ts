"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/next";

export interface SignInState {
  error?: string;
  email?: string;
}

/** Signs in with a local account. Success redirects (thrown by signIn); a refusal comes back as a message. */
export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  const callbackUrl = String(form.get("callbackUrl") ?? "/");
  try {
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      // Only same-site paths, never an absolute URL from the query string.
      redirectTo: callbackUrl.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/",
    });
    return {};
  } catch (err) {
    if (err instanceof AuthError) {
      return { email, error: err.type === "CredentialsSignin" ? "Incorrect email or password." : "Sign-in failed. Try again." };
    }
    throw err;
  }
}
