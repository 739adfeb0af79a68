"use client";

import { useState } from "react";
import { ErrorLine } from "@/components/ui/error-line";
import { CreatedSecret } from "@/components/ui/one-time-secret";
import { inputCls, primaryBtn } from "@/components/ui/styles";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { createEnrollmentSecretAction, revokeEnrollmentSecretAction } from "./actions";
import { CredentialTable, type CredentialRow } from "./credential-table";
import { enrollCommand } from "@/lib/fleet/command";
import { formatTime } from "@/components/format";

export interface SecretRow extends CredentialRow {
  maxUses: number | null;
  uses: number;
  expiresAt: string;
  status: string;
}

const EXPIRY = [
  ["1 hour", 1],
  ["1 day", 24],
  ["7 days", 168],
  ["30 days", 720],
  ["90 days", 2160],
] as const;

export function EnrollmentSecrets({ org, server, fingerprint, secrets, canManage }: { org: string; server: string; fingerprint: string | null; secrets: SecretRow[]; canManage: boolean }) {
  const { error, pending, run, submit, confirmRow } = useConsoleActions();
  const [uses, setUses] = useState<"one" | "many" | "unlimited">("one");
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  return (
    <div className="space-y-4">
      {canManage ? (
        <form className="flex flex-wrap items-end gap-3" aria-label="Create an enrolment secret"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const data = new FormData(form);
            const maxUses = uses === "one" ? 1 : uses === "unlimited" ? null : Number(data.get("maxUses"));
            setCreated(null);
            submit(
              () => createEnrollmentSecretAction(org, { name: String(data.get("name") ?? ""), group: String(data.get("group") ?? ""), maxUses, expiresInHours: Number(data.get("expires")) }),
              (d) => {
                setCreated({ name: String(d.name), secret: String(d.secret) });
                form.reset();
                setUses("one");
              },
            );
          }}>
          <div className="space-y-1">
            <label htmlFor="enroll-name" className="block text-xs font-medium">Secret name</label>
            <input id="enroll-name" name="name" required maxLength={80} placeholder="CI runners, Nov" className={`${inputCls} w-48`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="enroll-group" className="block text-xs font-medium">Bind to group</label>
            <input id="enroll-group" name="group" maxLength={60} placeholder="none" className={`${inputCls} w-32`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="enroll-uses" className="block text-xs font-medium">How many hosts</label>
            <select id="enroll-uses" value={uses} onChange={(e) => setUses(e.target.value as typeof uses)} className={inputCls}>
              <option value="one">One host</option>
              <option value="many">Up to …</option>
              <option value="unlimited">Any number</option>
            </select>
          </div>
          {uses === "many" ? (
            <div className="space-y-1">
              <label htmlFor="enroll-max" className="block text-xs font-medium">At most</label>
              <input id="enroll-max" name="maxUses" type="number" min={1} max={100000} defaultValue={10} required className={`${inputCls} w-24`} />
            </div>
          ) : null}
          <div className="space-y-1">
            <label htmlFor="enroll-expires" className="block text-xs font-medium">Expires after</label>
            <select id="enroll-expires" name="expires" defaultValue={168} className={inputCls}>
              {EXPIRY.map(([label, hours]) => <option key={hours} value={hours}>{label}</option>)}
            </select>
          </div>
          <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Creating…" : "Create enrolment secret"}</button>
        </form>
      ) : (
        <p className="text-sm text-muted">Admins and owners create and revoke enrolment secrets.</p>
      )}
      <ErrorLine message={error} />
      {created ? (
        <CreatedSecret label="Enrolment secret" value={created.secret} testId="enroll-secret" onDone={() => setCreated(null)}
          command={{ label: "Enrol command", value: enrollCommand(server, org, fingerprint, created.secret), testId: "enroll-command" }}
          warning={`Enrolment secret ${created.name} is shown only now: Charter keeps only its hash. Run this on each host (as the user the agent runs as):`} />
      ) : null}
      <CredentialTable label="Enrolment secrets" noun="enrolment secret" rows={secrets} rowTestId={(s) => `enrollment-${s.name}`}
        columns={[
          { header: "Hosts enrolled", className: "py-2 pr-3 tabular-nums", cell: (s) => `${s.uses} / ${s.maxUses ?? "∞"}` },
          { header: "Expires", className: "py-2 pr-3 text-muted", cell: (s) => formatTime(s.expiresAt) },
          { header: "Status", className: "py-2 pr-3", cell: (s) => s.status },
        ]}
        canRevoke={(s) => canManage && s.status === "active"} confirmRow={confirmRow}
        onRevoke={(s) => run(() => revokeEnrollmentSecretAction(org, { id: s.id }))} />
    </div>
  );
}
