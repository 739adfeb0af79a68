"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { createOrganizationAction } from "./actions";
import { ErrorLine } from "@/components/ui/error-line";

const input = "w-full rounded-md border border-line px-3 py-2 outline-none focus:border-accent focus:ring-2 focus:ring-accent/20";

function slugify(name: string) {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
}

export function NewOrgForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          setError(null);
          const r = await createOrganizationAction({ name, slug });
          if (r.ok) router.push(`/o/${r.data.slug}/settings`);
          else setError(r.error.message);
        });
      }}>
      <div className="space-y-1.5">
        <label htmlFor="org-name" className="block text-sm font-medium">Name</label>
        <input id="org-name" required maxLength={80} value={name} className={input}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugEdited) setSlug(slugify(e.target.value));
          }} />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="org-slug" className="block text-sm font-medium">Address</label>
        <div className="flex items-center gap-1 text-sm">
          <span className="text-muted">/o/</span>
          <input id="org-slug" required maxLength={40} value={slug} aria-describedby="org-slug-hint" className={`${input} font-mono`}
            onChange={(e) => {
              setSlugEdited(true);
              setSlug(e.target.value);
            }} />
        </div>
        <p id="org-slug-hint" className="text-xs text-muted">Lowercase letters, digits and dashes.</p>
      </div>
      <ErrorLine message={error} />
      <button type="submit" disabled={pending}
        className="w-full rounded-md bg-accent px-3 py-2 font-medium text-white hover:bg-accent/90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-60">
        {pending ? "Creating…" : "Create organisation"}
      </button>
    </form>
  );
}
