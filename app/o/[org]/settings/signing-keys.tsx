"use client";

import { useState, useTransition } from "react";
import { activateSigningKeyAction, createSigningKeyAction, retireSigningKeyAction } from "./key-actions";
import { dangerBtn, ErrorLine, fmt, primaryBtn, secondaryBtn } from "./ui";

export interface KeyRow {
  kid: string;
  state: "next" | "active" | "retired";
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  servedUntil: string | null;
  published: boolean;
}

export function SigningKeys({ org, keys, canManage, jwksPath }: { org: string; keys: KeyRow[]; canManage: boolean; jwksPath: string }) {
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const hasNext = keys.some((k) => k.state === "next");
  const run = (work: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    start(async () => {
      setError(null);
      const r = await work();
      if (!r.ok) setError(r.error?.message ?? "The key action failed.");
      setConfirming(null);
    });

  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">
        Hosts verify bundles with the public keys at <a className="font-mono text-accent underline underline-offset-2" href={jwksPath}>{jwksPath}</a>.
        Rotate with an overlap: create a next key (published at once, so pinned hosts can learn it), activate it (the old key
        retires and stays published until the bundles it signed expire).
      </p>
      {canManage ? (
        <div className="flex flex-wrap gap-2">
          <button type="button" className={primaryBtn} disabled={pending || hasNext} onClick={() => run(() => createSigningKeyAction(org))}>
            {keys.length === 0 ? "Create signing key" : "Create next key"}
          </button>
          {hasNext ? (
            confirming === "activate" ? (
              <span className="inline-flex items-center gap-2">
                <button type="button" className={dangerBtn} disabled={pending} onClick={() => run(() => activateSigningKeyAction(org))}>Confirm activate</button>
                <button type="button" className={secondaryBtn} onClick={() => setConfirming(null)}>Cancel</button>
              </span>
            ) : (
              <button type="button" className={secondaryBtn} onClick={() => setConfirming("activate")}>Activate next key</button>
            )
          ) : null}
        </div>
      ) : null}
      <ErrorLine message={error} />
      {keys.length === 0 ? (
        <p className="text-sm text-muted">No signing key yet: the first publish creates one.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="Signing keys">
            <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
              <tr>
                {["Key id", "State", "Created", "Activated", "Retired", "In JWKS until"].map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}
                <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.kid} className="border-b border-line last:border-0" data-testid={`key-${k.state}`}>
                  <td className="py-2 pr-3 font-mono text-xs" title={k.kid}>{k.kid.slice(0, 16)}…</td>
                  <td className="py-2 pr-3">{k.state}</td>
                  <td className="py-2 pr-3 text-muted">{fmt(k.createdAt)}</td>
                  <td className="py-2 pr-3 text-muted">{fmt(k.activatedAt)}</td>
                  <td className="py-2 pr-3 text-muted">{fmt(k.retiredAt)}</td>
                  <td className="py-2 pr-3 text-muted">{k.state !== "retired" ? "while in use" : k.published ? fmt(k.servedUntil) : "no longer published"}</td>
                  <td className="py-2 text-right">
                    {!canManage || k.state === "active" || !k.published ? null : confirming === k.kid ? (
                      <span className="inline-flex items-center gap-2">
                        <button type="button" className={dangerBtn} disabled={pending} onClick={() => run(() => retireSigningKeyAction(org, k.kid))}>Confirm retire</button>
                        <button type="button" className={secondaryBtn} onClick={() => setConfirming(null)}>Cancel</button>
                      </span>
                    ) : (
                      <button type="button" className={secondaryBtn} aria-label={`Retire key ${k.kid.slice(0, 16)}${k.state === "retired" ? " now" : ""}`} onClick={() => setConfirming(k.kid)}>
                        {k.state === "retired" ? "Unpublish now" : "Retire"}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
