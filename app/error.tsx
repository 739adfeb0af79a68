"use client";

import { ErrorView } from "@/components/error-view";

/** Unexpected failures outside the console frame (sign-in, invitations, new organisation). */
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" tabIndex={-1} className="min-h-screen px-4 outline-none">
      <ErrorView digest={error.digest} reset={reset} />
    </main>
  );
}
