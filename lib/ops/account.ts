import { z } from "zod";
import { db } from "../db";
import { AppError } from "../errors";
import { acceptInvitation, acceptInvitationWithNewAccount, newAccountSchema } from "../orgs/invitations";
import { roleSchema } from "../orgs/members";
import { createOrganization, createOrgSchema } from "../orgs/settings";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations before any org membership: creating an organisation, joining one through an invitation link.

const secret = z.string().min(1).max(200).describe("The invitation link's secret (the last part of /invite/<secret>).");
const joined = z.object({ org: z.object({ slug: z.string(), name: z.string() }), role: roleSchema });

export const createOrganizationOp = defineOperation({
  name: "orgs.create",
  summary: "Create an organisation (you become its owner)",
  permission: "signed-in",
  audit: "org.created",
  input: strictInput(createOrgSchema),
  output: z.object({ slug: z.string(), name: z.string() }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/orgs", status: 201 },
  run: async (input, ctx) => {
    const org = await createOrganization(db, ctx.actor, input, ctx.request);
    return { slug: org.slug, name: org.name };
  },
});

export const acceptInvitationOp = defineOperation({
  name: "invitations.accept",
  summary: "Accept an invitation addressed to your email",
  description: "The org is the invitation's: the link's secret names it, and only the invited email may use it.",
  permission: "signed-in",
  audit: "member.joined",
  input: strictInput(z.object({ secret })),
  output: joined,
  errors: ["forbidden", "conflict"],
  http: { method: "POST", path: "/api/v1/invitations/{secret}/accept" },
  run: async ({ secret }, ctx) => {
    const { org, role } = await acceptInvitation(db, ctx.actor, secret, ctx.request);
    return { org: { slug: org.slug, name: org.name }, role };
  },
});

export const createAccountAndAcceptOp = defineOperation({
  name: "invitations.create_account",
  summary: "Create an account for the invited email and join, in one step",
  description:
    "Public on purpose: the invitation link's secret is the capability, and the account is made only for the invited email " +
    "(never taken from the request). Refused when that email already has an account, or when you are signed in.",
  permission: "public",
  audit: "member.joined",
  input: strictInput(newAccountSchema.extend({ secret })),
  output: joined.extend({ email: z.string() }),
  errors: ["conflict"],
  http: { method: "POST", path: "/api/v1/invitations/{secret}/account", status: 201 },
  run: async ({ secret, ...input }, ctx) => {
    if (ctx.actor) throw new AppError("conflict", "You are signed in. Accept the invitation with your account, or sign out first.");
    const { org, role, email } = await acceptInvitationWithNewAccount(db, secret, input, ctx.request);
    return { org: { slug: org.slug, name: org.name }, role, email };
  },
});

export const ACCOUNT_OPERATIONS = [createOrganizationOp, acceptInvitationOp, createAccountAndAcceptOp];
