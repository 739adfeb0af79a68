"use client";

import { useState } from "react";
import { ErrorLine } from "@/components/ui/error-line";
import { CreatedSecret } from "@/components/ui/one-time-secret";
import { inputCls, primaryBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { createAgentTokenAction, revokeAgentTokenAction } from "./actions";
import { CredentialTable, type CredentialRow } from "./credential-table";
import { formatTime } from "@/components/format";

export interface TokenRow extends CredentialRow {
  createdAt: string;
  revokedAt: string | null;
  enrolled: boolean;
}

export function AgentTokens({ org, tokens, canManage }: { org: string; tokens: TokenRow[]; canManage: boolean }) {
  const { error, pending, run, submit, confirmRow } = useConsoleActions();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  return (
    <div className="space-y-4">
      {canManage ? (
        <form className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const data = new FormData(form);
            setCreated(null);
            submit(() => createAgentTokenAction(org, { name: String(data.get("name") ?? ""), group: String(data.get("group") ?? "") }), (d) => {
              setCreated({ name: d.name, secret: d.secret });
              form.reset();
            });
          }}>
          <div className="space-y-1">
            <label htmlFor="agent-token-name" className="block text-xs font-medium">Host or token name</label>
            <input id="agent-token-name" name="name" required maxLength={80} placeholder="build-runner-07" className={`${inputCls} w-56`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="agent-token-group" className="block text-xs font-medium">Group (optional)</label>
            <input id="agent-token-group" name="group" maxLength={60} placeholder="ci" className={`${inputCls} w-40`} />
          </div>
          <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Creating…" : "Create agent token"}</button>
        </form>
      ) : (
        <p className="text-sm text-muted">Admins and owners create and revoke agent tokens.</p>
      )}
      <ErrorLine message={error} />
      {created ? (
        <CreatedSecret label={`Secret of agent token ${created.name}`} value={created.secret} onDone={() => setCreated(null)}
          warning="Copy this token now and give it to the host (CHARTER_TOKEN=… charter-agent run). It is shown only once: Charter keeps only its hash." />
      ) : null}
      <CredentialTable label="Agent tokens" noun="agent token" rows={tokens} rowTestId={(t) => `agent-${t.name}`}
        columns={[
          { header: "Made by", className: "py-2 pr-3 text-muted", cell: (t) => (t.enrolled ? "enrolment" : "admin") },
          { header: "Created", className: "py-2 pr-3 text-muted", cell: (t) => formatTime(t.createdAt) },
          { header: "Status", className: "py-2 pr-3", cell: (t) => (t.revokedAt ? `revoked ${formatTime(t.revokedAt)}` : "active") },
        ]}
        canRevoke={(t) => canManage && !t.revokedAt} confirmRow={confirmRow}
        onRevoke={(t) => run(() => revokeAgentTokenAction(org, { tokenId: t.id }))} />
    </div>
  );
}
