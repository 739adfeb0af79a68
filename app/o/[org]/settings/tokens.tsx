"use client";

import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ErrorLine } from "@/components/ui/error-line";
import { CreatedSecret } from "@/components/ui/one-time-secret";
import { inputCls, primaryBtn } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { createTokenAction, revokeTokenAction, updateOrgSettingsAction } from "./actions";
import { formatTime } from "@/components/format";

const SCOPES = [
  { value: "read", hint: "read policy, versions and the audit log" },
  { value: "write", hint: "edit the draft" },
  { value: "publish", hint: "publish versions" },
] as const;

// Tokens always expire: the choices stop at the owner's longest token life.
const EXPIRY = [7, 30, 90, 365];

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: { email: string } | null;
  /** False when whoever made the token has left the org: it no longer works. */
  creatorIsMember: boolean;
}

function status(t: TokenRow, now: number): "active" | "expired" | "revoked" | "creator left" {
  if (t.revokedAt) return "revoked";
  if (!t.creatorIsMember) return "creator left";
  return t.expiresAt && new Date(t.expiresAt).getTime() <= now ? "expired" : "active";
}

export function Tokens({ org, tokens, now, maxDays }: { org: string; tokens: TokenRow[]; now: number; maxDays: number }) {
  const choices = [...new Set([...EXPIRY.filter((d) => d < maxDays), maxDays])];
  const { error, pending, run, submit, confirmRow } = useConsoleActions();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  return (
    <div className="space-y-4">
      <form className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const data = new FormData(form);
          const expiry = String(data.get("expiry"));
          setCreated(null);
          submit(
            () =>
              createTokenAction(org, {
                name: String(data.get("name") ?? ""),
                scopes: data.getAll("scopes").map(String) as ("read" | "write" | "publish")[],
                expiresInDays: Number(expiry),
              }),
            (d) => {
              setCreated({ name: d.name, secret: d.secret });
              form.reset();
            },
          );
        }}>
        <div className="flex flex-wrap items-end gap-3">
          <div className="space-y-1">
            <label htmlFor="token-name" className="block text-xs font-medium">Token name</label>
            <input id="token-name" name="name" required maxLength={80} placeholder="gitops-ci" className={`${inputCls} w-56`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="token-expiry" className="block text-xs font-medium">Expires after</label>
            <select id="token-expiry" name="expiry" defaultValue={String(Math.min(90, maxDays))} className={inputCls}>
              {choices.map((d) => <option key={d} value={d}>{d} days</option>)}
            </select>
          </div>
        </div>
        <p className="text-xs text-muted">Tokens live at most {maxDays} days, and stop working when whoever made them leaves the organisation.</p>
        <fieldset className="flex flex-wrap gap-4">
          <legend className="mb-1 text-xs font-medium">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="scopes" value={s.value} defaultChecked={s.value === "read"} />
              <span className="font-medium">{s.value}</span> <span className="text-muted">({s.hint})</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className={primaryBtn} disabled={pending}>{pending ? "Creating…" : "Create token"}</button>
      </form>
      <form className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const days = Number(new FormData(e.currentTarget).get("tokenMaxDays"));
          run(() => updateOrgSettingsAction(org, { tokenMaxDays: days }));
        }}>
        <div className="space-y-1">
          <label htmlFor="token-max-days" className="block text-xs font-medium">Longest token life (days)</label>
          <input id="token-max-days" name="tokenMaxDays" type="number" min={1} max={365} required defaultValue={maxDays} className={`${inputCls} w-28`} />
        </div>
        <button type="submit" className={primaryBtn} disabled={pending}>Save token life</button>
      </form>
      <ErrorLine message={error} />
      {created ? (
        <CreatedSecret label={`Secret of token ${created.name}`} value={created.secret} onDone={() => setCreated(null)}
          warning="Copy this token now. It is shown only once: Charter keeps only its hash and cannot show it again." />
      ) : null}
      {tokens.length === 0 ? (
        <p className="text-sm text-muted">No API tokens yet. Automation (GitOps, the <code className="font-mono">charter</code> CLI) authenticates with one.</p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="API tokens, scrolls sideways">
          <table className="w-full text-sm" aria-label="API tokens">
            <TableHead columns={["Name", "Prefix", "Scopes", "Created by", "Created", "Expires", "Last used", "Status"]} actions />
            <tbody>
              {tokens.map((t) => {
                const st = status(t, now);
                return (
                  <tr key={t.id} className="border-b border-line last:border-0" data-testid={`token-${t.name}`}>
                    <td className="py-2 pr-3 font-medium">{t.name}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{t.prefix}…</td>
                    <td className="py-2 pr-3">{t.scopes.join(", ")}</td>
                    <td className="py-2 pr-3 text-muted">{t.createdBy?.email ?? "—"}</td>
                    <td className="py-2 pr-3 text-muted">{formatTime(t.createdAt)}</td>
                    <td className="py-2 pr-3 text-muted">{t.expiresAt ? formatTime(t.expiresAt) : "never"}</td>
                    <td className="py-2 pr-3 text-muted">{t.lastUsedAt ? formatTime(t.lastUsedAt) : "never"}</td>
                    <td className="py-2 pr-3">
                      <span className={st === "active" ? "text-emerald-700" : "text-danger"}>{st}</span>
                    </td>
                    <td className="py-2 text-right">
                      {st !== "active" ? null : (
                        <ConfirmButton {...confirmRow(t.id)}
                          onConfirm={() => run(() => revokeTokenAction(org, { tokenId: t.id }))}
                          ariaLabel={`Revoke token ${t.name}`} confirmLabel="Confirm revoke">Revoke</ConfirmButton>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
