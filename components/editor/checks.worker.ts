/** The editor's checks off the main thread: typing never waits for parsing, validating or comparing a large file. */
import { answer, type CheckRequest } from "./checks";

// A dedicated worker's global scope (the project's TypeScript lib is the DOM's, not the worker's).
const scope = self as unknown as { onmessage: ((event: MessageEvent<CheckRequest>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  const [fields, checks] = answer(event.data);
  scope.postMessage(fields);
  scope.postMessage(checks);
};
