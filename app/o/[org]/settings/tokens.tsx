"use client";

import { useState, useTransition } from "react";
import { createTokenAction, revokeTokenAction } from "./actions";
import { dangerBtn, ErrorLine, fmt, inputCls, OneTimeSecret, primaryBtn, secondaryBtn } from "./ui";

const SCOPES = [
  { value: "read", hint: "read policy, versions and the audit log" },
  { value: "write", hint: "edit the draft" },
  { value: "publish", hint: "publish versions" },
] as const;

const EXPIRY = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "365 days" },
  { value: "never", label: "Never" },
];

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
}

function status(t: TokenRow, now: number): "active" | "expired" | "revoked" {
  if (t.revokedAt) return "revoked";
  return t.expiresAt && new Date(t.expiresAt).getTime() <= now ? "expired" : "active";
}

export function Tokens({ org, tokens, now }: { org: string; tokens: TokenRow[]; now: number }) {
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, start] = useTransition();

  return (
    <div className="space-y-4">
      <form className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const data = new FormData(form);
          const expiry = String(data.get("expiry"));
          start(async () => {
            setError(null);
            setCreated(null);
            const r = await createTokenAction(org, {
              name: String(data.get("name") ?? ""),
              scopes: data.getAll("scopes").map(String) as ("read" | "write" | "publish")[],
              expiresInDays: expiry === "never" ? null : Number(expiry),
            });
            if (!r.ok) return setError(r.error.message);
            setCreated({ name: r.data.name, secret: r.data.secret });
            form.reset();
          });
        }}>
        <div className="flex flex-wrap items-end gap-3">
          <div className="space-y-1">
            <label htmlFor="token-name" className="block text-xs font-medium">Token name</label>
            <input id="token-name" name="name" required maxLength={80} placeholder="gitops-ci" className={`${inputCls} w-56`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="token-expiry" className="block text-xs font-medium">Expires after</label>
            <select id="token-expiry" name="expiry" defaultValue="90" className={inputCls}>
              {EXPIRY.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
            </select>
          </div>
        </div>
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
      <ErrorLine message={error} />
      {created ? (
        <div role="status" className="space-y-2">
          <OneTimeSecret label={`Secret of token ${created.name}`} value={created.secret}
            warning="Copy this token now. It is shown only once: Charter keeps only its hash and cannot show it again." />
          <button type="button" className={secondaryBtn} onClick={() => setCreated(null)}>I have copied it</button>
        </div>
      ) : null}
      {tokens.length === 0 ? (
        <p className="text-sm text-muted">No API tokens yet. Automation (GitOps, the <code className="font-mono">charter</code> CLI) authenticates with one.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="API tokens">
            <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
              <tr>
                {["Name", "Prefix", "Scopes", "Created by", "Created", "Expires", "Last used", "Status"].map((h) => (
                  <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>
                ))}
                <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const st = status(t, now);
                return (
                  <tr key={t.id} className="border-b border-line last:border-0" data-testid={`token-${t.name}`}>
                    <td className="py-2 pr-3 font-medium">{t.name}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{t.prefix}…</td>
                    <td className="py-2 pr-3">{t.scopes.join(", ")}</td>
                    <td className="py-2 pr-3 text-muted">{t.createdBy?.email ?? "—"}</td>
                    <td className="py-2 pr-3 text-muted">{fmt(t.createdAt)}</td>
                    <td className="py-2 pr-3 text-muted">{t.expiresAt ? fmt(t.expiresAt) : "never"}</td>
                    <td className="py-2 pr-3 text-muted">{t.lastUsedAt ? fmt(t.lastUsedAt) : "never"}</td>
                    <td className="py-2 pr-3">
                      <span className={st === "active" ? "text-emerald-700" : "text-danger"}>{st}</span>
                    </td>
                    <td className="py-2 text-right">
                      {st !== "active" ? null : confirming === t.id ? (
                        <span className="inline-flex items-center gap-2">
                          <button type="button" className={dangerBtn} disabled={pending}
                            onClick={() => start(async () => {
                              setError(null);
                              const r = await revokeTokenAction(org, t.id);
                              if (!r.ok) setError(r.error.message);
                              setConfirming(null);
                            })}>
                            Confirm revoke
                          </button>
                          <button type="button" className={secondaryBtn} onClick={() => setConfirming(null)}>Cancel</button>
                        </span>
                      ) : (
                        <button type="button" className={secondaryBtn} aria-label={`Revoke token ${t.name}`} onClick={() => setConfirming(t.id)}>Revoke</button>
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
