import { describe, expect, it } from "vitest";
import { can } from "../../../lib/auth/actor";

describe("role permissions", () => {
  it("only owners manage the org", () => {
    expect(can("owner", "org:manage")).toBe(true);
    for (const role of ["admin", "approver", "auditor", "viewer"] as const) expect(can(role, "org:manage")).toBe(false);
  });

  it("admins edit and publish but do not approve; approvers approve but do not edit", () => {
    expect(can("admin", "policy:edit")).toBe(true);
    expect(can("admin", "policy:publish")).toBe(true);
    expect(can("admin", "policy:approve")).toBe(false);
    expect(can("approver", "policy:approve")).toBe(true);
    expect(can("approver", "policy:edit")).toBe(false);
  });

  it("auditors read and export, viewers only read", () => {
    expect(can("auditor", "audit:export")).toBe(true);
    expect(can("auditor", "policy:edit")).toBe(false);
    expect(can("viewer", "org:read")).toBe(true);
    expect(can("viewer", "audit:export")).toBe(false);
  });
});
