"use client";

import { useEffect, useRef, useState } from "react";
import type { FormFields } from "@/lib/requirements/edit";
import { answer, type CheckReply, type CheckRequest, type Comparison, type Validation } from "./checks";

export interface TextChecks {
  /** The form's view and the text it was read from (it may trail the newest text while the worker reads). */
  form: { text: string; fields: FormFields | null };
  /** The verdict and the comparison with the published version, with the text they are about; null until the first. */
  checks: { text: string; validation: Validation; comparison: Comparison | null } | null;
}

type State = Pick<TextChecks, "form" | "checks">;

/**
 * Checks the newest `text` in a Web Worker. At most one request is in flight: while the worker is busy, keystrokes only
 * replace what it reads next, so a burst of typing costs the main thread a message per answer, not a parse per key.
 * Where no worker runs (jsdom, or the worker failed to load) the same checks run inline.
 */
export function useTextChecks(text: string, initialFields: () => FormFields | null, codexVersions: string[], published: string) {
  const [state, setState] = useState<State>(() => ({ form: { text, fields: initialFields() }, checks: null }));
  const queue = useRef<((req: CheckRequest) => void) | null>(null);
  // The form only ever moves forward: a reading of an older text (typing went on meanwhile) is dropped.
  const newest = useRef(text);
  // While form edits are on their way (use-form-edits), the form shows what they will make: no reading replaces it.
  const held = useRef(false);
  const shown = useRef(state.form.fields);

  useEffect(() => {
    let worker: Worker | null = null;
    let inFlight: CheckRequest | null = null;
    let next: CheckRequest | null = null;
    const receive = (reply: CheckReply) => {
      if (reply.kind === "fields") {
        if (!held.current && reply.text === newest.current) {
          shown.current = reply.fields;
          setState((s) => ({ ...s, form: { text: reply.text, fields: reply.fields } }));
        }
      }
      else {
        setState((s) => ({ ...s, checks: { text: reply.text, validation: reply.validation, comparison: reply.comparison } }));
        inFlight = null;
        send();
      }
    };
    const send = () => {
      if (!next || inFlight) return;
      inFlight = next;
      next = null;
      if (worker) worker.postMessage(inFlight);
      else for (const reply of answer(inFlight)) receive(reply);
    };
    if (typeof Worker !== "undefined") {
      worker = new Worker(new URL("./checks.worker.ts", import.meta.url));
      // The worker leaves the text out of its answers: they are about the text in flight.
      worker.onmessage = (e: MessageEvent<CheckReply>) => receive({ ...e.data, text: inFlight?.text ?? "" });
      worker.onerror = () => {
        // The checks must still happen: inline, slower, rather than never.
        worker?.terminate();
        worker = null;
        next ??= inFlight;
        inFlight = null;
        send();
      };
    }
    queue.current = (req) => {
      next = req;
      send();
    };
    return () => {
      worker?.terminate();
      queue.current = null;
    };
  }, []);

  useEffect(() => {
    newest.current = text;
    queue.current?.({ text, codexVersions, published });
  }, [text, codexVersions, published]);

  /**
   * Shows the form for `formText` at once, without waiting for the worker: a form edit knows what it makes. `fields`
   * may be computed from the form as it is shown now (two clicks before a re-render both count). With `hold`, no
   * reading from the worker replaces it until the next showForm (the edit's text is still on its way).
   */
  const showForm = (formText: string, fields: FormFields | null | ((shown: FormFields | null) => FormFields | null), hold = false) => {
    newest.current = formText;
    held.current = hold;
    const next = typeof fields === "function" ? fields(shown.current) : fields;
    shown.current = next;
    setState((s) => ({ ...s, form: { text: formText, fields: next } }));
  };
  return { ...state, showForm };
}
