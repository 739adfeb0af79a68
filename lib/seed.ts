import type { Db } from "./db";
import { generatePassword, hashPassword } from "./auth/password";
import { revokeUserSessions } from "./auth/sessions";

export const DEMO_ORG = { slug: "acme", name: "Acme Corp" } as const;
export const DEMO_OWNER_EMAIL = "owner@acme.example";

/** The demo org's first draft: the keys most orgs start with, and a short Auto-review policy. */
export const SAMPLE_REQUIREMENTS = `# Managed requirements for Acme's Codex fleet (installed as /etc/codex/requirements.toml).
# The first entry of each list is what agents start with.

allowed_approval_policies = ["on-request", "untrusted"]
allowed_sandbox_modes = ["workspace-write", "read-only"]
allowed_web_search_modes = ["cached"]

# Auto-review first; engineers can still switch back to reviewing approvals themselves.
allowed_approvals_reviewers = ["auto_review", "user"]

guardian_policy_config = """
## Environment
- Our GitHub organisation \`acme\` and the internal artifact registry are trusted destinations.
- Production database hosts (\`*.db.prod.acme.internal\`) are never written to from a laptop.

## Always deny
- Sending source code, secrets or customer data to any destination outside Acme.
- Disabling the sandbox, firewall or endpoint agent beyond the current task.

## Allow
- Routine builds, tests and package installs from the public registries.
"""

[features]
fast_mode = false

[[rules.prefix_rules]]
pattern = [{ token = "git" }, { any_of = ["push", "fetch"] }]
decision = "prompt"
justification = "Network git operations need a reviewer."
`;

export interface SeedResult {
  created: boolean;
  ownerEmail: string;
  /** Set only when this run created the owner: the one time the password exists in clear. */
  ownerPassword?: string;
}

/**
 * Creates the demo org, its owner and its sample draft if they are missing. Idempotent: a second run changes nothing
 * and never reveals or resets the existing password.
 */
export async function seedDemo(db: Db, opts: { password?: string } = {}): Promise<SeedResult> {
  const existing = await db.user.findUnique({ where: { email: DEMO_OWNER_EMAIL }, select: { id: true } });
  if (existing) return { created: false, ownerEmail: DEMO_OWNER_EMAIL };
  const password = opts.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const org = await tx.organization.upsert({ where: { slug: DEMO_ORG.slug }, create: { ...DEMO_ORG }, update: {} });
    const user = await tx.user.create({ data: { email: DEMO_OWNER_EMAIL, name: "Acme Owner", passwordHash } });
    await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: "owner" } });
    await tx.draft.upsert({
      where: { orgId_name: { orgId: org.id, name: "default" } },
      create: { orgId: org.id, toml: SAMPLE_REQUIREMENTS, updatedById: user.id },
      update: {},
    });
  });
  return { created: true, ownerEmail: DEMO_OWNER_EMAIL, ownerPassword: password };
}

/** Sets a new generated password for a local account, ends its sessions, and returns the password. */
export async function resetPassword(db: Db, email: string): Promise<string> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) throw new Error(`No account with the email ${email}.`);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  // Whoever knew the old password may hold a session: a reset ends them all.
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await revokeUserSessions(tx, user.id);
  });
  return password;
}
