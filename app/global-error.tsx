"use client";

import "./globals.css";
import { ErrorView } from "@/components/error-view";

/** When even the root layout fails: the same branded message in a document of its own. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="font-sans antialiased">
        <main id="main" className="min-h-screen px-4">
          <ErrorView digest={error.digest} reset={reset} />
        </main>
      </body>
    </html>
  );
}
