// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer } from "../../../components/editor/checks";
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
