"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorLine } from "@/components/ui/error-line";
import { primaryBtn } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { useConsoleActions } from "@/components/ui/use-console-actions";
import { activateSigningKeyAction, createSigningKeyAction, retireSigningKeyAction } from "./key-actions";
import { formatTime } from "@/components/format";

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
  const { error, pending, run, confirmRow } = useConsoleActions();
  const hasNext = keys.some((k) => k.state === "next");

  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">
        Hosts verify bundles with the public keys at <a className="font-mono text-accent underline underline-offset-2" href={jwksPath}>{jwksPath}</a>.
        Rotate with an overlap: create a next key (published at once, so pinned hosts can learn it), activate it (the old key
        retires and stays published until the bundles it signed expire).
      </p>
      {canManage ? (
        <div className="flex flex-wrap gap-2">
          <button type="button" className={primaryBtn} disabled={pending || hasNext} onClick={() => run(() => createSigningKeyAction(org, {}))}>
            {keys.length === 0 ? "Create signing key" : "Create next key"}
          </button>
          {hasNext ? (
            <ConfirmButton {...confirmRow("activate")}
              onConfirm={() => run(() => activateSigningKeyAction(org, {}))} confirmLabel="Confirm activate">Activate next key</ConfirmButton>
          ) : null}
        </div>
      ) : null}
      <ErrorLine message={error} />
      {keys.length === 0 ? (
        <p className="text-sm text-muted">No signing key yet: the first publish creates one.</p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Signing keys, scrolls sideways">
          <table className="w-full text-sm" aria-label="Signing keys">
            <TableHead columns={["Key id", "State", "Created", "Activated", "Retired", "In JWKS until"]} actions />
            <tbody>
              {keys.map((k) => (
                <tr key={k.kid} className="border-b border-line last:border-0" data-testid={`key-${k.state}`}>
                  <td className="py-2 pr-3">
                    <span className="flex items-start gap-2">
                      <code className="break-all font-mono text-xs" data-testid="key-fingerprint">{k.kid}</code>
                      <CopyButton value={k.kid} label={`Copy the fingerprint of key ${k.kid.slice(0, 8)}`} />
                    </span>
                  </td>
                  <td className="py-2 pr-3">{k.state}</td>
                  <td className="py-2 pr-3 text-muted">{formatTime(k.createdAt)}</td>
                  <td className="py-2 pr-3 text-muted">{formatTime(k.activatedAt)}</td>
                  <td className="py-2 pr-3 text-muted">{formatTime(k.retiredAt)}</td>
                  <td className="py-2 pr-3 text-muted">{k.state !== "retired" ? "while in use" : k.published ? formatTime(k.servedUntil) : "no longer published"}</td>
                  <td className="py-2 text-right">
                    {!canManage || k.state === "active" || !k.published ? null : (
                      <ConfirmButton {...confirmRow(k.kid)}
                        onConfirm={() => run(() => retireSigningKeyAction(org, { kid: k.kid }))}
                        ariaLabel={`Retire key ${k.kid.slice(0, 16)}${k.state === "retired" ? " now" : ""}`} confirmLabel="Confirm retire">
                        {k.state === "retired" ? "Unpublish now" : "Retire"}
                      </ConfirmButton>
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
