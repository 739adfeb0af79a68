/**
 * The editor's work off the main thread: typing never waits for parsing, validating or comparing a large file, and a
 * form click never waits for its patch to be proven. The editor runs two of these (checks, and form edits) so an edit
 * does not queue behind a long check.
 */
import { readFormFields } from "@/lib/requirements/edit";
import { answer, answerEdit, type CheckRequest, type EditRequest, type ReadAheadRequest } from "./checks";

// A dedicated worker's global scope (the project's TypeScript lib is the DOM's, not the worker's).
const scope = self as unknown as { onmessage: ((event: MessageEvent<CheckRequest | EditRequest | ReadAheadRequest>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  const req = event.data;
  if ("kind" in req && req.kind === "edit") {
    scope.postMessage(answerEdit(req));
    return;
  }
  if ("kind" in req && req.kind === "read-ahead") {
    readFormFields(req.text); // parsed and kept (edit.ts), for the edit that follows
    return;
  }
  // Without the text: the editor knows which text it asked about, and a 256 KiB copy back costs its main thread.
  const [fields, checks] = answer(req as CheckRequest);
  scope.postMessage({ ...fields, text: "" });
  scope.postMessage({ ...checks, text: "" });
};
