"use client";

import type { Role } from "@/lib/db";
import { ROLES } from "@/lib/auth/actor";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ErrorLine } from "@/components/ui/error-line";
import { inputCls, secondaryBtn } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { changeRoleAction, removeMemberAction, revokeInvitationAction } from "./actions";
import { formatTime } from "@/components/format";


export interface MemberRow {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: Date;
}

export function MembersTable({ org, members, meId, canManage }: { org: string; members: MemberRow[]; meId: string; canManage: boolean }) {
  const { error, pending, run, confirmRow } = useConsoleActions();

  return (
    <div className="space-y-2">
      <ErrorLine message={error} />
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Members, scrolls sideways">
        <table className="w-full text-sm" aria-label="Members">
          <TableHead columns={["Email", "Name", "Role", "Joined"]} actions={canManage} />
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
                        run(() => changeRoleAction(org, { userId: m.userId, role }));
                      }}>
                      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  ) : (
                    <span className="capitalize">{m.role}</span>
                  )}
                </td>
                <td className="py-2 pr-3 text-muted">{formatTime(m.joinedAt)}</td>
                {canManage ? (
                  <td className="py-2 text-right">
                    <ConfirmButton {...confirmRow(m.userId)}
                      onConfirm={() => run(() => removeMemberAction(org, { userId: m.userId }))}
                      ariaLabel={`Remove ${m.email}`} confirmLabel="Confirm removal" prompt={`Remove ${m.userId === meId ? "yourself" : m.email}?`}>
                      Remove
                    </ConfirmButton>
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
  const { error, pending, run } = useConsoleActions();
  if (invitations.length === 0) return <p className="text-sm text-muted">No pending invitations.</p>;
  return (
    <div className="space-y-2">
      <ErrorLine message={error} />
      <table className="w-full text-sm" aria-label="Pending invitations">
        <TableHead columns={["Email", "Role", "Invited by", "Expires (UTC)"]} actions />
        <tbody>
          {invitations.map((i) => (
            <tr key={i.id} className="border-b border-line last:border-0">
              <td className="py-2 pr-3">{i.email}</td>
              <td className="py-2 pr-3 capitalize">{i.role}</td>
              <td className="py-2 pr-3 text-muted">{i.invitedBy ?? "—"}</td>
              <td className="py-2 pr-3 text-muted">{i.status === "expired" ? <span className="text-danger">expired {formatTime(i.expiresAt)}</span> : formatTime(i.expiresAt)}</td>
              <td className="py-2 text-right">
                <button type="button" className={secondaryBtn} disabled={pending} aria-label={`Revoke invitation of ${i.email}`}
                  onClick={() => run(() => revokeInvitationAction(org, { invitationId: i.id }))}>
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
