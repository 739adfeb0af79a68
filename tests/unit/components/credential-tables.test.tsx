// @vitest-environment jsdom
import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

const revokeAgentTokenAction = vi.fn(async () => ({ ok: true as const, data: null }));
const revokeEnrollmentSecretAction = vi.fn(async () => ({ ok: true as const, data: null }));
vi.mock("../../../app/o/[org]/agents/actions", () => ({
  createAgentTokenAction: vi.fn(),
  createEnrollmentSecretAction: vi.fn(),
  revokeAgentTokenAction,
  revokeEnrollmentSecretAction,
}));

const { AgentTokens } = await import("../../../app/o/[org]/agents/agent-tokens");
const { EnrollmentSecrets } = await import("../../../app/o/[org]/agents/enrollment-secrets");

const at = "2026-11-27T10:00:00.000Z";

describe("the Agents page's credential tables (one CredentialTable)", () => {
  it("lists agent tokens with their own columns, and offers Revoke on active ones behind a confirmation", async () => {
    render(<AgentTokens org="acme" canManage tokens={[
      { id: "t1", name: "laptop", group: "eng", prefix: "chrt_ab", createdAt: at, revokedAt: null, enrolled: true },
      { id: "t2", name: "old", group: null, prefix: "chrt_cd", createdAt: at, revokedAt: at, enrolled: false },
    ]} />);
    const table = screen.getByRole("table", { name: "Agent tokens" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Name", "Group", "Prefix", "Made by", "Created", "Status", "Actions"]);
    const laptop = screen.getByTestId("agent-laptop");
    expect([...laptop.querySelectorAll("td")].slice(0, 4).map((c) => c.textContent)).toEqual(["laptop", "eng", "chrt_ab…", "enrolment"]);
    expect(screen.getByTestId("agent-old")).toHaveTextContent("—");
    expect(screen.getByTestId("agent-old")).toHaveTextContent(/revoked /);
    expect(screen.queryByRole("button", { name: "Revoke agent token old" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Revoke agent token laptop" }));
    fireEvent.click(screen.getByRole("button", { name: "Confirm revoke" }));
    await vi.waitFor(() => expect(revokeAgentTokenAction).toHaveBeenCalledWith("acme", { tokenId: "t1" }));
  });

  it("lists enrolment secrets with their uses and expiry; Revoke only on active ones, and only for managers", async () => {
    const secrets = [
      { id: "s1", name: "ci", group: "ci", prefix: "enr_ab", maxUses: null, uses: 3, expiresAt: at, status: "active" },
      { id: "s2", name: "spent", group: null, prefix: "enr_cd", maxUses: 1, uses: 1, expiresAt: at, status: "used up" },
    ];
    const { unmount } = render(<EnrollmentSecrets org="acme" server="https://charter.test" fingerprint={null} canManage secrets={secrets} />);
    const table = screen.getByRole("table", { name: "Enrolment secrets" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Name", "Group", "Prefix", "Hosts enrolled", "Expires", "Status", "Actions"]);
    expect(screen.getByTestId("enrollment-ci")).toHaveTextContent("3 / ∞");
    expect(screen.getByTestId("enrollment-spent")).toHaveTextContent("1 / 1");
    expect(screen.queryByRole("button", { name: "Revoke enrolment secret spent" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Revoke enrolment secret ci" }));
    fireEvent.click(screen.getByRole("button", { name: "Confirm revoke" }));
    await vi.waitFor(() => expect(revokeEnrollmentSecretAction).toHaveBeenCalledWith("acme", { id: "s1" }));
    unmount();
    render(<EnrollmentSecrets org="acme" server="https://charter.test" fingerprint={null} canManage={false} secrets={secrets} />);
    expect(screen.queryByRole("button", { name: /Revoke/ })).toBeNull();
  });

  it("says when there is nothing to list", () => {
    render(<AgentTokens org="acme" canManage={false} tokens={[]} />);
    expect(screen.getByText("No agent tokens yet.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).toBeNull();
  });
});
