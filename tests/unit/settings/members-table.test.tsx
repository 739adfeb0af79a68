// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

const actions = vi.hoisted(() => ({
  changeRoleAction: vi.fn(),
  removeMemberAction: vi.fn(),
  revokeInvitationAction: vi.fn(),
}));
vi.mock("@/app/o/[org]/settings/actions", () => actions);

const { MembersTable } = await import("@/app/o/[org]/settings/members");

const members = [
  { userId: "u1", email: "owner@acme.example", name: "Owner", role: "owner" as const, joinedAt: new Date("2026-01-02T03:04:00Z") },
  { userId: "u2", email: "ann@acme.example", name: null, role: "auditor" as const, joinedAt: new Date("2026-02-03T04:05:00Z") },
];

beforeEach(() => Object.values(actions).forEach((f) => f.mockReset()));

describe("members table", () => {
  it("shows a read-only list to non-owners: roles as text, no pickers, no remove buttons, 'you' on their row", () => {
    render(<MembersTable org="acme" members={members} meId="u2" canManage={false} />);
    expect(screen.queryAllByRole("combobox")).toHaveLength(0);
    expect(screen.queryAllByRole("button")).toHaveLength(0);
    const mine = screen.getByTestId("member-ann@acme.example");
    expect(within(mine).getByText("you")).toBeInTheDocument();
    expect(within(mine).getByText("auditor")).toBeInTheDocument();
    expect(within(mine).getByText("2026-02-03 04:05 UTC")).toBeInTheDocument();
  });

  it("gives owners a labelled role picker per member that calls the action with the org, member and new role", async () => {
    actions.changeRoleAction.mockResolvedValue({ ok: true, data: { changed: true, role: "viewer" } });
    render(<MembersTable org="acme" members={members} meId="u1" canManage />);
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Role of ann@acme.example" }), "viewer");
    expect(actions.changeRoleAction).toHaveBeenCalledWith("acme", { userId: "u2", role: "viewer" });
  });

  it("asks for confirmation before removing, and shows the server's refusal inline", async () => {
    actions.removeMemberAction.mockResolvedValue({ ok: false, error: { code: "conflict", message: "owner@acme.example cannot be removed: an organisation needs at least one owner." } });
    render(<MembersTable org="acme" members={members} meId="u1" canManage />);
    await userEvent.click(screen.getByRole("button", { name: "Remove owner@acme.example" }));
    expect(actions.removeMemberAction).not.toHaveBeenCalled();
    expect(screen.getByText("Remove yourself?")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Confirm removal" }));
    expect(actions.removeMemberAction).toHaveBeenCalledWith("acme", { userId: "u1" });
    expect(await screen.findByRole("alert")).toHaveTextContent("at least one owner");
  });

  it("cancelling a removal calls nothing", async () => {
    render(<MembersTable org="acme" members={members} meId="u1" canManage />);
    await userEvent.click(screen.getByRole("button", { name: "Remove ann@acme.example" }));
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(actions.removeMemberAction).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Remove ann@acme.example" })).toBeInTheDocument();
  });
});
