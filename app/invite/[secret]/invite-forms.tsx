"use client";

import { useState, useTransition } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { acceptInvitationAction, createAccountAndAcceptAction } from "./actions";
import { ErrorLine } from "@/components/ui/error-line";

const input = "w-full rounded-md border border-line px-3 py-2 outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";
const primary =
  "w-full rounded-md bg-accent px-3 py-2 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60";

export function AcceptInvitation({ secret, orgName }: { secret: string; orgName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-3">
      <ErrorLine message={error} />
      <button type="button" className={primary} disabled={pending}
        onClick={() => start(async () => {
          const result = await acceptInvitationAction({ secret });
          if (result.ok) router.push(`/o/${result.data.org.slug}/requirements`);
          else setError(result.error.message);
        })}>
        {pending ? "Joining…" : `Join ${orgName}`}
      </button>
    </div>
  );
}

export function CreateAccountAndAccept({ secret, email, signInHref }: { secret: string; email: string; signInHref: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ slug: string; name: string } | null>(null);
  const [pending, start] = useTransition();
  if (done) {
    return (
      <div className="space-y-3 text-sm" role="status">
        <p>Your account is ready and you joined {done.name}. Sign in with {email} and your new password.</p>
        <Link href={`/signin?callbackUrl=${encodeURIComponent(`/o/${done.slug}/requirements`)}`}
          className="inline-block rounded-md bg-accent px-3 py-2 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const password = String(form.get("password") ?? "");
        if (password !== String(form.get("confirm") ?? "")) return setError("The two passwords differ.");
        start(async () => {
          const result = await createAccountAndAcceptAction({ secret, name: String(form.get("name") ?? ""), password });
          if (result.ok) setDone(result.data.org);
          else setError(result.error.message);
        });
      }}>
      <p className="text-sm">Create a Charter account for <span className="font-medium">{email}</span> and join in one step.</p>
      <div className="space-y-1.5">
        <label htmlFor="invite-name" className="block text-sm font-medium">Your name</label>
        <input id="invite-name" name="name" autoComplete="name" required maxLength={120} className={input} />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="invite-password" className="block text-sm font-medium">Password</label>
        <input id="invite-password" name="password" type="password" autoComplete="new-password" required minLength={12} aria-describedby="invite-password-hint" className={input} />
        <p id="invite-password-hint" className="text-xs text-muted">At least 12 characters.</p>
      </div>
      <div className="space-y-1.5">
        <label htmlFor="invite-confirm" className="block text-sm font-medium">Repeat password</label>
        <input id="invite-confirm" name="confirm" type="password" autoComplete="new-password" required minLength={12} className={input} />
      </div>
      <ErrorLine message={error} />
      <button type="submit" className={primary} disabled={pending}>{pending ? "Creating account…" : "Create account and join"}</button>
      <p className="border-t border-line pt-3 text-sm text-muted">
        Your organisation uses single sign-on, or you have an account already?{" "}
        <Link href={signInHref} className="text-accent underline underline-offset-2 hover:no-underline">Sign in first</Link>, then accept.
      </p>
    </form>
  );
}
