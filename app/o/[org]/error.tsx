"use client";

import { ErrorView } from "@/components/error-view";

/** Unexpected failures of any console page, inside the console frame. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorView digest={error.digest} reset={reset} />;
}
