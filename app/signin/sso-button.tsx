"use client";

import { useActionState } from "react";
import { KeyRound } from "lucide-react";
import { signInWithSso, type SignInState } from "./actions";
import { ErrorLine } from "@/components/ui/error-line";

export function SsoButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInWithSso, {});
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <button type="submit" disabled={pending}
        className="flex w-full items-center justify-center gap-2 rounded-md border border-line bg-white px-3 py-2 font-medium hover:bg-panel focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60">
        <KeyRound aria-hidden className="size-4" />
        {pending ? "Redirecting…" : `Continue with ${name}`}
      </button>
      <ErrorLine message={state.error} />
    </form>
  );
}
