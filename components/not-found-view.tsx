import Link from "next/link";
import { FileQuestion } from "lucide-react";

/** The branded not-found page: said plainly, with the way back. Served with HTTP 404 by Next's notFound(). */
export function NotFoundView({ home = "/" }: { home?: string }) {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <FileQuestion aria-hidden className="mx-auto size-10 text-muted" />
      <p className="mt-3 text-xs font-medium uppercase tracking-wide text-muted">Charter · 404</p>
      <h1 className="mt-1 text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-muted">There is nothing at this address, or it belongs to an organisation you are not a member of. Check the link, or go back to the console.</p>
      <Link href={home} className="mt-5 inline-block rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent">
        Back to the console
      </Link>
    </div>
  );
}
