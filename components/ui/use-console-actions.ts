"use client";

import { useState, useTransition } from "react";

type Result<T> = { ok: true; data: T } | { ok: false; error: { message: string } };

/**
 * State of a section that runs server actions: the error line, the row asking for confirmation and the pending
 * transition. `confirmRow(id)` wires a ConfirmButton to that state; `run` is for row buttons (it closes the confirmation
 * afterwards); `submit` is for forms and hands the data of a success to `onOk`.
 */
export function useConsoleActions() {
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const run = (work: () => Promise<Result<unknown>>, then?: () => void) =>
    start(async () => {
      setError(null);
      const r = await work();
      if (!r.ok) setError(r.error.message);
      setConfirming(null);
      then?.();
    });
  const submit = <T,>(work: () => Promise<Result<T>>, onOk: (data: T) => void) =>
    start(async () => {
      setError(null);
      const r = await work();
      if (!r.ok) return setError(r.error.message);
      onOk(r.data);
    });
  const confirmRow = (id: string) => ({ open: confirming === id, onOpen: () => setConfirming(id), onCancel: () => setConfirming(null), pending });
  return { error, confirming, pending, start, run, submit, confirmRow };
}
