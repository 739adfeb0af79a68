"use client";

import { dangerBtn, secondaryBtn } from "./styles";

/**
 * A destructive action in two steps: the button asks, then Confirm/Cancel stand in its place. The caller keeps which
 * row is asking (one at a time per table), so `open` and the callbacks come from its state.
 */
export function ConfirmButton({ open, onOpen, onCancel, onConfirm, children, ariaLabel, confirmLabel, prompt, pending }: {
  open: boolean;
  onOpen: () => void;
  onCancel: () => void;
  onConfirm: () => void;
  children: React.ReactNode;
  ariaLabel?: string;
  confirmLabel: string;
  prompt?: string;
  pending: boolean;
}) {
  if (!open) return <button type="button" className={secondaryBtn} aria-label={ariaLabel} onClick={onOpen}>{children}</button>;
  return (
    <span className="inline-flex items-center gap-2">
      {prompt ? <span className="text-xs">{prompt}</span> : null}
      <button type="button" className={dangerBtn} disabled={pending} onClick={onConfirm}>{confirmLabel}</button>
      <button type="button" className={secondaryBtn} onClick={onCancel}>Cancel</button>
    </span>
  );
}
