"use client";

import { useState, useTransition } from "react";
import type { Role } from "@/lib/db";
import { changeRoleAction, removeMemberAction, revokeInvitationAction } from "./actions";
import { dangerBtn, ErrorLine, fmt, inputCls, secondaryBtn } from "./ui";

const ROLES: Role[] = ["owner", "admin", "approver", "auditor", "viewer"];

export interface MemberRow {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: Date;
}

export function MembersTable({ org, members, meId, canManage }: { org: string; members: MemberRow[]; meId: string; canManage: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const run = (work: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    start(async () => {
      setError(null);
      const result = await work();
      if (!result.ok) setError(result.error?.message ?? "That did not work.");
      setConfirming(null);
    });

  return (
    <div className="space-y-2">
      <ErrorLine message={error} />
      <div className="overflow-x-auto">
        <table className="w-full text-sm" aria-label="Members">
          <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">Email</th>
              <th scope="col" className="py-2 pr-3 font-medium">Name</th>
              <th scope="col" className="py-2 pr-3 font-medium">Role</th>
              <th scope="col" className="py-2 pr-3 font-medium">Joined</th>
              {canManage ? <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId} className="border-b border-line last:border-0" data-testid={`member-${m.email}`}>
                <td className="py-2 pr-3">
                  {m.email}
                  {m.userId === meId ? <span className="ml-2 rounded bg-panel px-1.5 py-0.5 text-xs text-muted ring-1 ring-line">you</span> : null}
                </td>
                <td className="py-2 pr-3 text-muted">{m.name ?? "—"}</td>
                <td className="py-2 pr-3">
                  {canManage ? (
                    <select aria-label={`Role of ${m.email}`} value={m.role} disabled={pending} className={inputCls}
                      onChange={(e) => {
                        const role = e.currentTarget.value as Role;
                        run(() => changeRoleAction(org, m.userId, role));
                      }}>
                      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  ) : (
                    <span className="capitalize">{m.role}</span>
                  )}
                </td>
                <td className="py-2 pr-3 text-muted">{fmt(m.joinedAt)}</td>
                {canManage ? (
                  <td className="py-2 text-right">
                    {confirming === m.userId ? (
                      <span className="inline-flex items-center gap-2">
                        <span className="text-xs">Remove {m.userId === meId ? "yourself" : m.email}?</span>
                        <button type="button" className={dangerBtn} disabled={pending} onClick={() => run(() => removeMemberAction(org, m.userId))}>Confirm removal</button>
                        <button type="button" className={secondaryBtn} onClick={() => setConfirming(null)}>Cancel</button>
                      </span>
                    ) : (
                      <button type="button" className={secondaryBtn} aria-label={`Remove ${m.email}`} onClick={() => setConfirming(m.userId)}>Remove</button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  expiresAt: Date;
  invitedBy: string | null;
  status: string;
}

export function PendingInvitations({ org, invitations }: { org: string; invitations: InvitationRow[] }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  if (invitations.length === 0) return <p className="text-sm text-muted">No pending invitations.</p>;
  return (
    <div className="space-y-2">
      <ErrorLine message={error} />
      <table className="w-full text-sm" aria-label="Pending invitations">
        <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">Email</th>
            <th scope="col" className="py-2 pr-3 font-medium">Role</th>
            <th scope="col" className="py-2 pr-3 font-medium">Invited by</th>
            <th scope="col" className="py-2 pr-3 font-medium">Expires (UTC)</th>
            <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((i) => (
            <tr key={i.id} className="border-b border-line last:border-0">
              <td className="py-2 pr-3">{i.email}</td>
              <td className="py-2 pr-3 capitalize">{i.role}</td>
              <td className="py-2 pr-3 text-muted">{i.invitedBy ?? "—"}</td>
              <td className="py-2 pr-3 text-muted">{i.status === "expired" ? <span className="text-danger">expired {fmt(i.expiresAt)}</span> : fmt(i.expiresAt)}</td>
              <td className="py-2 text-right">
                <button type="button" className={secondaryBtn} disabled={pending} aria-label={`Revoke invitation of ${i.email}`}
                  onClick={() => start(async () => {
                    setError(null);
                    const r = await revokeInvitationAction(org, i.id);
                    if (!r.ok) setError(r.error.message);
                  })}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
