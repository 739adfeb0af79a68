/** The complete command a host runs to enrol (shown on the Agents page; the secret is in it only right after creation). */
export function enrollCommand(server: string, org: string, fingerprint: string | null, secret: string): string {
  return `charter-agent enroll --server ${server} --org ${org} --trust-fingerprint ${fingerprint ?? "<publish a version first: no signing key yet>"} --secret ${secret}`;
}

/** The complete `charter pull` a host without the agent runs (from cron): its agent token is read from CHARTER_TOKEN. */
export function pullCommand(server: string, org: string, fingerprint: string | null): string {
  return `charter pull --server ${server} --org ${org} --trust-fingerprint ${fingerprint ?? "<publish a version first: no signing key yet>"}`;
}
