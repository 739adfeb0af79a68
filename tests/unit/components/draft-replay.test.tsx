// @vitest-environment jsdom
import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { DraftReplayView } from "../../../lib/decisions/draft-replay";

// The publish panel's replay reads the server once per saved revision and while a replay runs, never per keystroke.
type Ready = Extract<DraftReplayView, { state: "ready" }>;
const ready: Ready = { revision: 2, state: "ready", provider: "baseline", latest: null, running: null, failed: null };
let view: DraftReplayView = ready;
const draftReplayAction = vi.fn(async (_org: string, _input: { watch?: string }) => ({ ok: true as const, data: view }));
const startDraftReplayAction = vi.fn(async () => ({ ok: true as const, data: { runId: "run-1", replayed: 2, skipped: 0 } }));
vi.mock("../../../lib/ops/decision-actions", () => ({ draftReplayAction, startDraftReplayAction }));
const { DraftReplay } = await import("../../../components/decisions/draft-replay");

describe("the publish panel's replay of the saved draft", () => {
  it("asks the server once per saved revision, not when the text changes, and follows a replay it started", async () => {
    const { rerender } = render(<DraftReplay org="acme" revision={2} dirty={false} />);
    await screen.findByTestId("draft-replay-none");
    expect(draftReplayAction).toHaveBeenCalledTimes(1);
    // Typing: the editor re-renders the panel with dirty on every keystroke; nothing is asked.
    for (let i = 0; i < 20; i++) rerender(<DraftReplay org="acme" revision={2} dirty={i % 2 === 1} />);
    expect(draftReplayAction).toHaveBeenCalledTimes(1);
    expect(screen.getByText("Refers to the saved revision 2; save to replay your newest text.")).toBeTruthy();

    // Starting one: the server is asked to follow it until it is done.
    view = { ...ready, running: { runId: "run-1", completed: 0, total: 2 } };
    vi.useFakeTimers({ shouldAdvanceTime: true });
    fireEvent.click(screen.getByRole("button", { name: "Replay on real decisions" }));
    await vi.waitFor(() => expect(startDraftReplayAction).toHaveBeenCalledWith("acme", { policy: { source: "draft" }, provider: "baseline" }));
    await vi.waitFor(() => expect(draftReplayAction).toHaveBeenLastCalledWith("acme", { watch: "run-1" }));
    expect((await screen.findByTestId("draft-replay-running")).textContent).toContain("0 of 2 reviewed");
    view = { ...ready, running: null, latest: { runId: "run-1", revision: 2, total: 2, completed: 2, running: false, towardAllow: 0, towardDeny: 1, policyLabel: "Draft (revision 2) · approximate prompt", reviewer: "Baseline", startedBy: "owner", finishedAt: "2026-11-27T12:00:00.000Z" } };
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect((await screen.findByTestId("replay-toward-deny")).textContent).toBe("1 of 2 real decisions flip toward deny");
    const calls = draftReplayAction.mock.calls.length;
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(draftReplayAction).toHaveBeenCalledTimes(calls); // done: no more polling
    vi.useRealTimers();

    // A new save asks again (and forgets the replay started for the older revision).
    rerender(<DraftReplay org="acme" revision={3} dirty={false} />);
    await vi.waitFor(() => expect(draftReplayAction).toHaveBeenLastCalledWith("acme", {}));
  });

  it("shows nothing when no replay applies", async () => {
    view = { revision: 4, state: "not_applicable", reason: "policy_unchanged" };
    const { container } = render(<DraftReplay org="acme" revision={4} dirty={false} />);
    await vi.waitFor(() => expect(draftReplayAction).toHaveBeenLastCalledWith("acme", {}));
    expect(container.textContent).toBe("");
  });
});
