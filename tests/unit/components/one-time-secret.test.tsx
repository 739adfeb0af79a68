// @vitest-environment jsdom
import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CreatedSecret } from "../../../components/ui/one-time-secret";

describe("CreatedSecret (every secret shown once: agent tokens, enrolment secrets, API tokens, webhooks)", () => {
  it("shows the warning, the secret in a selectable field with its own copy button, and dismisses on request", () => {
    const onDone = vi.fn();
    render(<CreatedSecret label="Secret of agent token ci-1" value="chrt_a_secret" warning="Shown only once." onDone={onDone} />);
    expect(screen.getByRole("status")).toHaveTextContent("Shown only once.");
    expect(screen.getByLabelText("Secret of agent token ci-1")).toHaveValue("chrt_a_secret");
    expect(screen.getByRole("button", { name: "Copy", description: "Secret of agent token ci-1" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(onDone).toHaveBeenCalledOnce();
  });

  it("puts the ready command that uses the secret above the secret, each copyable", () => {
    render(<CreatedSecret label="Enrolment secret" value="enr_x" testId="enroll-secret" warning="Run this on each host."
      command={{ label: "Enrol command", value: "charter-agent enroll --secret enr_x", testId: "enroll-command" }} onDone={() => {}} />);
    const fields = screen.getAllByRole("textbox");
    expect(fields.map((f) => (f as HTMLInputElement).value)).toEqual(["charter-agent enroll --secret enr_x", "enr_x"]);
    expect(screen.getByTestId("enroll-command")).toHaveAccessibleName("Enrol command");
    expect(screen.getByRole("button", { name: "Copy", description: "Enrol command" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Copy", description: "Enrolment secret" })).toBeInTheDocument();
    // The label names the field only (a copy button named after it would be a second match).
    expect(screen.getAllByLabelText("Enrolment secret")).toHaveLength(1);
  });
});
