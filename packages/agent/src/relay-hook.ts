/**
 * HOOK for the decisions relay (issue 14; its code lives in src/relay/, owned by that work). `run` calls
 * startRelayIfConfigured after each cycle the server answered (check-in accepted, or a server without check-ins). The build (build.mjs) resolves "./relay-entry" to
 * src/relay/index.ts when that file exists, else to the stub src/relay-entry.ts (no relay). The relay module exports
 *   startRelay(ctx: RelayContext): Promise<Relay | null>
 * and returns null when collection is not configured (e.g. the check-in answer carries no collection settings); it is
 * called again after later check-ins until it starts, and a started relay gets update(settings) after each check-in.
 */

export interface RelayContext {
  server: URL;
  /** The host token (Bearer) for POST /api/v1/agent/decisions. */
  token: string;
  org: string;
  stateDir: string;
  /** The last check-in answer as the server sent it (pollIntervalSeconds, serverTime, and any optional fields); {} without one. */
  settings: Record<string, unknown>;
  log: (line: string) => void;
}

export interface Relay {
  update?(settings: Record<string, unknown>): void;
  stop(): Promise<void>;
}

export type StartRelay = (ctx: RelayContext) => Promise<Relay | null>;

let relay: Relay | null = null;

export async function startRelayIfConfigured(ctx: RelayContext): Promise<void> {
  // Loaded on first use: `pull` and `status` never evaluate the relay.
  const start = ((await import("./relay-entry")) as { startRelay?: StartRelay | null }).startRelay;
  if (!start) return;
  if (relay) return relay.update?.(ctx.settings);
  try {
    relay = await start(ctx);
    if (relay) ctx.log("charter-agent run: decisions relay started");
  } catch (err) {
    ctx.log(`charter-agent run: warning: decisions relay did not start: ${(err as Error).message}`);
  }
}

export async function stopRelay(): Promise<void> {
  await relay?.stop().catch(() => {});
  relay = null;
}
