/**
 * A real OpenID Connect provider for the browser tests (the `oidc-provider` package with its built-in login and
 * consent pages: any password is accepted, the login names the account). Started by playwright.config.ts.
 */
import Provider, { type Configuration } from "oidc-provider";
import { OIDC_ACCOUNTS, OIDC_CLIENT, oidcIssuer } from "./oidc-settings";

const port = Number(process.env.E2E_OIDC_PORT);
const charterOrigin = process.env.E2E_CHARTER_ORIGIN;
if (!port || !charterOrigin) throw new Error("E2E_OIDC_PORT and E2E_CHARTER_ORIGIN are required");

const configuration: Configuration = {
  clients: [
    {
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      redirect_uris: [`${charterOrigin}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  cookies: { keys: ["charter-e2e-only-cookie-key"] },
  pkce: { required: () => true },
  findAccount: (_ctx, id) => {
    const account = OIDC_ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...account }) };
  },
};

const provider = new Provider(oidcIssuer(port), configuration);
// Say why the provider refused a request, so a failing browser test shows the reason in its server output.
for (const event of ["grant.error", "authorization.error", "server_error"]) {
  provider.on(event, (_ctx: unknown, err: { message?: string; error_description?: string; error_detail?: string }) =>
    console.error(`[oidc] ${event}: ${err.message} ${err.error_description ?? ""} ${err.error_detail ?? ""}`),
  );
}
provider.listen(port, "127.0.0.1", () => console.log(`[oidc] test provider at ${oidcIssuer(port)}`));
