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

  useEffect(() => {
    let worker: Worker | null = null;
    let inFlight: CheckRequest | null = null;
    let next: CheckRequest | null = null;
    const receive = (reply: CheckReply) => {
      if (reply.kind === "fields") {
        if (reply.text === newest.current) setState((s) => ({ ...s, form: { text: reply.text, fields: reply.fields } }));
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
      worker.onmessage = (e: MessageEvent<CheckReply>) => receive(e.data);
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

  /** A form edit already read the text it made: its view shows at once, without waiting for the worker. */
  const showForm = (formText: string, fields: FormFields | null) => {
    newest.current = formText;
    setState((s) => ({ ...s, form: { text: formText, fields } }));
  };
  return { ...state, showForm };
}
