"use client";

import { useEffect, useRef } from "react";
import type { FormFields } from "@/lib/requirements/edit";
import { answerEdit, sameTarget, type EditReply, type EditRequest, type FormEdit, type ReadAheadRequest } from "./checks";

export interface FormEditsHandlers {
  /** The newest text (ahead of React's render). */
  latest: () => string;
  /** An edit's result; `settled` when no other form edit is waiting. */
  onEdited: (text: string, settled: boolean) => void;
  /** The form cannot make an edit; edits queued after it are dropped (they were made on top of it). */
  onFailed: (message: string, fields: FormFields | null) => void;
}

/**
 * Applies form edits to the text in a Web Worker of their own, one at a time and in order. An edit is made on the
 * newest text: if the text changed while the worker patched (typing in the TOML), it is patched again. Queued edits
 * of the same value collapse into the newest. Where no worker runs (jsdom) edits apply inline, at once.
 */
export function useFormEdits(handlers: FormEditsHandlers): { apply: (edit: FormEdit) => void; settled: () => Promise<void>; readAhead: () => void } {
  const h = useRef(handlers);
  h.current = handlers;
  const enqueue = useRef<(edit: FormEdit) => void>(() => {});
  const readAhead = useRef<() => void>(() => {});
  // Waiting for every edit made so far to be in the text (a save must not miss the last click).
  const idle = useRef<() => boolean>(() => true);
  const waiters = useRef<(() => void)[]>([]);

  useEffect(() => {
    const waiting = waiters.current;
    let worker: Worker | null = null;
    let inFlight: { edit: FormEdit; base: string } | null = null;
    const queue: FormEdit[] = [];
    // The newest text the worker has parsed (read ahead, or made by an edit): reading it ahead again is useless.
    let known: string | null = null;
    const receive = (reply: EditReply) => {
      const done = inFlight!;
      inFlight = null;
      if (h.current.latest() !== done.base) {
        // Made on an older text: make it again on the newest, unless a newer edit of the same value replaces it.
        if (!queue.some((e) => sameTarget(e, done.edit))) queue.unshift(done.edit);
      } else if (reply.kind === "edited") {
        known = reply.text;
        h.current.onEdited(reply.text, queue.length === 0);
      } else {
        queue.length = 0;
        h.current.onFailed(reply.message, reply.fields);
      }
      send();
    };
    const send = () => {
      if (!inFlight && queue.length === 0) for (const resolve of waiting.splice(0)) resolve();
      if (inFlight || queue.length === 0) return;
      const edit = queue.shift()!;
      inFlight = { edit, base: h.current.latest() };
      const req: EditRequest = { kind: "edit", text: inFlight.base, edit };
      if (worker) worker.postMessage(req);
      else receive(answerEdit(req));
    };
    if (typeof Worker !== "undefined") {
      worker = new Worker(new URL("./checks.worker.ts", import.meta.url));
      worker.onmessage = (e: MessageEvent<EditReply>) => receive(e.data);
      worker.onerror = () => {
        // Edits must still land: inline, slower, rather than never.
        worker?.terminate();
        worker = null;
        if (inFlight) queue.unshift(inFlight.edit);
        inFlight = null;
        send();
      };
    }
    idle.current = () => !inFlight && queue.length === 0;
    readAhead.current = () => {
      if (!worker || inFlight) return;
      const text = h.current.latest();
      if (text === known) return;
      known = text;
      const req: ReadAheadRequest = { kind: "read-ahead", text };
      worker.postMessage(req);
    };
    enqueue.current = (edit) => {
      const same = queue.findIndex((e) => sameTarget(e, edit));
      if (same >= 0) queue.splice(same, 1);
      queue.push(edit);
      send();
    };
    return () => {
      worker?.terminate();
      enqueue.current = () => {};
      idle.current = () => true;
      readAhead.current = () => {};
      for (const resolve of waiting.splice(0)) resolve();
    };
  }, []);

  return {
    apply: (edit) => enqueue.current(edit),
    settled: () => (idle.current() ? Promise.resolve() : new Promise((resolve) => waiters.current.push(resolve))),
    // The pointer or focus reached the form: the worker parses the text now, while the admin aims at a control.
    readAhead: () => readAhead.current(),
  };
}
