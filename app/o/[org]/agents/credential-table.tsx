import type { ReactNode } from "react";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { TableHead } from "@/components/ui/table-head";

/** What the Agents page's credential tables (agent tokens, enrolment secrets) have in common. */
export interface CredentialRow {
  id: string;
  name: string;
  group: string | null;
  prefix: string;
}

/**
 * One table of credentials: name, group and prefix, then the columns of its kind, then a Revoke button (behind a
 * confirmation) on the rows `canRevoke` allows. `label` names the kind in its plural ("Agent tokens"), `noun` one of
 * them ("agent token") for the button's accessible name.
 */
export function CredentialTable<R extends CredentialRow>({
  label,
  noun,
  rowTestId,
  columns,
  rows,
  canRevoke,
  confirmRow,
  onRevoke,
}: {
  label: string;
  noun: string;
  rowTestId: (row: R) => string;
  columns: { header: string; className: string; cell: (row: R) => ReactNode }[];
  rows: R[];
  canRevoke: (row: R) => boolean;
  confirmRow: (id: string) => { open: boolean; onOpen(): void; onCancel(): void; pending: boolean };
  onRevoke: (row: R) => void;
}) {
  if (rows.length === 0) return <p className="text-sm text-muted">No {label.toLowerCase()} yet.</p>;
  return (
    <div className="overflow-x-auto" role="region" aria-label={`${label} table`} tabIndex={0}>
      <table className="w-full text-sm" aria-label={label}>
        <TableHead columns={["Name", "Group", "Prefix", ...columns.map((c) => c.header)]} actions />
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-b border-line last:border-0" data-testid={rowTestId(r)}>
              <td className="py-2 pr-3 font-medium">{r.name}</td>
              <td className="py-2 pr-3 text-muted">{r.group ?? "—"}</td>
              <td className="py-2 pr-3 font-mono text-xs">{r.prefix}…</td>
              {columns.map((c) => <td key={c.header} className={c.className}>{c.cell(r)}</td>)}
              <td className="py-2 text-right">
                {canRevoke(r) ? (
                  <ConfirmButton {...confirmRow(r.id)} onConfirm={() => onRevoke(r)} ariaLabel={`Revoke ${noun} ${r.name}`} confirmLabel="Confirm revoke">Revoke</ConfirmButton>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
