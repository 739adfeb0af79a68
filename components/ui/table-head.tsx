/** The header row of a console table; `actions` adds the unlabelled-to-sight column of row buttons. */
export function TableHead({ columns, actions = false }: { columns: readonly string[]; actions?: boolean }) {
  return (
    <thead className="border-b border-line text-left text-xs uppercase tracking-wide text-muted">
      <tr>
        {columns.map((h) => <th key={h} scope="col" className="py-2 pr-3 font-medium">{h}</th>)}
        {actions ? <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th> : null}
      </tr>
    </thead>
  );
}
