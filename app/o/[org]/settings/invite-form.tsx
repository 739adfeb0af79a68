"use client";

import { useState } from "react";
import type { Role } from "@/lib/db";
import { ErrorLine } from "@/components/ui/error-line";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { inputCls, primaryBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { ROLE_HINTS, ROLES } from "@/lib/auth/actor";
import { inviteMemberAction } from "./actions";
import { formatTime } from "@/components/format";

// Least powerful first: the picker starts at the role that grants least.
const ROLE_CHOICES = [...ROLES].reverse().map((value) => ({ value, hint: ROLE_HINTS[value] }));

export function InviteForm({ org }: { org: string }) {
  const { error, pending, submit } = useConsoleActions();
  const [created, setCreated] = useState<{ email: string; role: string; link: string; expiresAt: string } | null>(null);
  return (
    <div className="space-y-3">
      <form className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const data = new FormData(form);
          setCreated(null);
          submit(() => inviteMemberAction(org, { email: String(data.get("email") ?? ""), role: String(data.get("role")) as Role }), (d) => {
            setCreated({ ...d, link: `${window.location.origin}${d.path}` });
            form.reset();
          });
        }}>
        <div className="space-y-1">
          <label htmlFor="invite-email" className="block text-xs font-medium">Email</label>
          <input id="invite-email" name="email" type="email" required placeholder="colleague@example.com" className={`${inputCls} w-72`} />
        </div>
        <div className="space-y-1">
          <label htmlFor="invite-role" className="block text-xs font-medium">Role</label>
          <select id="invite-role" name="role" defaultValue="viewer" className={inputCls}>
            {ROLE_CHOICES.map((r) => <option key={r.value} value={r.value}>{r.value} — {r.hint}</option>)}
          </select>
        </div>
        <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Inviting…" : "Invite"}</button>
      </form>
      <ErrorLine message={error} />
      {created ? (
        <div role="status" className="space-y-2">
          <p className="text-sm">Invited {created.email} as {created.role}. Send them this link; it works once, until {formatTime(created.expiresAt)} UTC.</p>
          <OneTimeSecret label="Invitation link" value={created.link} warning="This link is shown only once. Copy it now; inviting the same address again replaces it." />
        </div>
      ) : null}
    </div>
  );
}
