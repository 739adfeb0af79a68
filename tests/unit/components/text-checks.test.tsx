// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer, answerEdit, withEdit } from "../../../components/editor/checks";
import { useFormEdits } from "../../../components/editor/use-form-edits";
import { useTextChecks } from "../../../components/editor/use-text-checks";
import { readFormFields } from "../../../lib/requirements/edit";

const PUBLISHED = 'allowed_sandbox_modes = ["read-only"]\n';
const WIDER = 'allowed_sandbox_modes = ["read-only", "workspace-write"]\n';
// One array for every render, as the editor's prop is: a new array each render would ask for new checks each render.
const FLEET = ["0.171.0"];

describe("the editor's checks (what the Web Worker computes)", () => {
  it("answers the form first, then the verdict and the comparison with the published version, each naming its text", () => {
    const [fields, checks] = answer({ text: WIDER, codexVersions: ["0.171.0"], published: PUBLISHED });
    expect(fields).toMatchObject({ kind: "fields", text: WIDER });
    expect(fields.kind === "fields" && fields.fields?.lists.allowed_sandbox_modes.values).toEqual(["read-only", "workspace-write"]);
    expect(checks).toMatchObject({ kind: "checks", text: WIDER, validation: { valid: true, codexVersion: "0.171.0" } });
    expect(checks.kind === "checks" && checks.comparison?.wider.verdict).toBe("WIDENS");
  });

  it("a text that does not parse has no form and no comparison, and its diagnostics say where", () => {
    const [fields, checks] = answer({ text: 'allowed_sandbox_modes = ["read-only"\n', codexVersions: ["0.171.0"], published: PUBLISHED });
    expect(fields.kind === "fields" && fields.fields).toBeNull();
    expect(checks.kind === "checks" && checks.comparison).toBeNull();
    expect(checks.kind === "checks" && checks.validation.valid).toBe(false);
  });
});

describe("useTextChecks (inline where no Worker exists)", () => {
  it("follows the newest text, and a form edit's own reading shows at once", () => {
    const { result, rerender } = renderHook(({ text }) => useTextChecks(text, () => readFormFields(text), FLEET, PUBLISHED), { initialProps: { text: PUBLISHED } });
    expect(result.current.checks?.text).toBe(PUBLISHED);
    expect(result.current.checks?.comparison?.wider.verdict).toBe("PASS");
    rerender({ text: WIDER });
    expect(result.current.checks?.text).toBe(WIDER);
    expect(result.current.form.fields?.lists.allowed_sandbox_modes.values).toEqual(["read-only", "workspace-write"]);
    const narrower = 'allowed_sandbox_modes = []\n';
    act(() => result.current.showForm(narrower, readFormFields(narrower)));
    expect(result.current.form).toMatchObject({ text: narrower, fields: { lists: { allowed_sandbox_modes: { values: [] } } } });
  });
});

describe("form edits (what the edit worker computes)", () => {
  it("patches the value the form set and nothing else; the form's own forecast equals the reading of the result", () => {
    const text = '# ours\nallowed_sandbox_modes = ["read-only"]  # keep\n';
    const reply = answerEdit({ kind: "edit", text, edit: { kind: "list", key: "allowed_sandbox_modes", values: ["read-only", "workspace-write"] } });
    expect(reply).toEqual({ kind: "edited", text: '# ours\nallowed_sandbox_modes = ["read-only", "workspace-write"]  # keep\n' });
    const before = readFormFields(text)!;
    for (const edit of [
      { kind: "list", key: "allowed_sandbox_modes", values: undefined },
      { kind: "feature", name: "web_search", value: true },
      { kind: "policy", value: "## Always deny\n- Force-pushing to main.\n" },
    ] as const) {
      const r = answerEdit({ kind: "edit", text, edit });
      expect(r.kind).toBe("edited");
      expect(withEdit(before, edit)).toEqual(readFormFields(r.kind === "edited" ? r.text : ""));
    }
  });

  it("refuses what it cannot edit safely, with the form's reading of the unchanged text", () => {
    const text = "allowed_sandbox_modes = [\n  'read-only', # one\n]\n[features]\nweb_search = 1\n";
    const reply = answerEdit({ kind: "edit", text: "allowed_sandbox_modes = [", edit: { kind: "list", key: "allowed_sandbox_modes", values: [] } });
    expect(reply).toMatchObject({ kind: "edit-failed", message: "Fix the TOML syntax before editing with the form.", fields: null });
    expect(answerEdit({ kind: "edit", text, edit: { kind: "feature", name: "bad name", value: true } })).toMatchObject({ kind: "edit-failed", fields: readFormFields(text) });
  });
});

describe("useFormEdits (inline where no Worker exists)", () => {
  it("applies edits in order, each on the newest text", async () => {
    let text = 'allowed_sandbox_modes = ["read-only"]\n';
    const settledAfter: boolean[] = [];
    const { result } = renderHook(() => useFormEdits({ latest: () => text, onEdited: (next, settled) => { text = next; settledAfter.push(settled); }, onFailed: () => {} }));
    act(() => {
      result.current.apply({ kind: "list", key: "allowed_sandbox_modes", values: ["read-only", "workspace-write"] });
      result.current.apply({ kind: "feature", name: "web_search", value: false });
    });
    expect(text).toBe('allowed_sandbox_modes = ["read-only", "workspace-write"]\n\n[features]\nweb_search = false\n');
    expect(settledAfter).toEqual([true, true]);
    await expect(result.current.settled()).resolves.toBeUndefined();
  });

  it("reports an edit the form cannot make", () => {
    const failures: string[] = [];
    const { result } = renderHook(() => useFormEdits({ latest: () => "allowed_sandbox_modes = [", onEdited: () => {}, onFailed: (message) => failures.push(message) }));
    act(() => result.current.apply({ kind: "list", key: "allowed_sandbox_modes", values: [] }));
    expect(failures).toEqual(["Fix the TOML syntax before editing with the form."]);
  });
});
