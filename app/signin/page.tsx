import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentActor, ssoOption } from "@/lib/auth/next";
import { safeCallbackUrl, signInErrorMessage } from "./errors";
import { SignInForm } from "./signin-form";
import { SsoButton } from "./sso-button";

export const metadata: Metadata = { title: "Sign in" };

type Query = { callbackUrl?: string; error?: string; domain?: string; code?: string };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Query> }) {
  const { callbackUrl: rawCallback, error, domain, code } = await searchParams;
  if (await currentActor()) redirect("/");
  const callbackUrl = safeCallbackUrl(rawCallback ?? "/");
  const sso = ssoOption();
  const message = signInErrorMessage(typeof error === "string" ? error : undefined, typeof domain === "string" ? domain : undefined, typeof code === "string" ? code : undefined);
  return (
    <main id="main" tabIndex={-1} className="outline-none flex min-h-screen items-center justify-center bg-panel px-4">
      <div className="w-full max-w-sm rounded-xl border border-line bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in to Charter</h1>
        <p className="mb-6 mt-1 text-sm text-muted">Govern the requirements your Codex agents enforce.</p>
        {message ? (
          <p role="alert" data-testid="signin-error" className="mb-4 rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">{message}</p>
        ) : null}
        {sso ? (
          <>
            <SsoButton name={sso.name} callbackUrl={callbackUrl} />
            <div className="my-5 flex items-center gap-3 text-xs text-muted" aria-hidden>
              <span className="h-px flex-1 bg-line" /> or with a Charter password <span className="h-px flex-1 bg-line" />
            </div>
          </>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
