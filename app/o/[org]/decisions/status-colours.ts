/** The decision outcomes in chart order, with their colours and legend labels (shared by the server legend and the client charts). */
export const STATUS_ORDER = ["allow", "deny", "failed", "timed_out"] as const;
export type ChartStatus = (typeof STATUS_ORDER)[number];
export const STATUS_FILL: Record<ChartStatus, string> = { allow: "#059669", deny: "#e11d48", failed: "#f59e0b", timed_out: "#94a3b8" };
export const STATUS_LABEL: Record<ChartStatus, string> = { allow: "allow", deny: "deny", failed: "failed (closed)", timed_out: "timed out" };
