"use client";

import { CopyField } from "./copy-field";
import { secondaryBtn } from "./styles";

/**
 * A secret shown once (Charter keeps only its hash): the warning, optionally a ready command that uses the secret, and
 * the secret itself, each a read-only field with a copy button.
 */
export function OneTimeSecret({ label, value, warning, testId, command }: {
  label: string;
  value: string;
  warning: string;
  testId?: string;
  command?: { label: string; value: string; testId?: string };
}) {
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
      <p className="text-sm font-medium">{warning}</p>
      {command ? <CopyField {...command} /> : null}
      <CopyField label={label} value={value} testId={testId} />
    </div>
  );
}

/** A freshly created secret with the button that dismisses it once copied. */
export function CreatedSecret({ onDone, ...secret }: Parameters<typeof OneTimeSecret>[0] & { onDone: () => void }) {
  return (
    <div role="status" className="space-y-2">
      <OneTimeSecret {...secret} />
      <button type="button" className={secondaryBtn} onClick={onDone}>I have copied it</button>
    </div>
  );
}
