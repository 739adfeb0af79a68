import { Bot, FileCog, Gauge, FlaskConical, GitPullRequest, History, Rocket, ScrollText, Settings, Users } from "lucide-react";

/** The console's areas, in navigation order. A plain module so server pages and the client nav share it. */
export const CONSOLE_AREAS = [
  { segment: "requirements", label: "Requirements", icon: FileCog },
  { segment: "versions", label: "Versions", icon: History },
  { segment: "changes", label: "Changes", icon: GitPullRequest },
  { segment: "sandbox", label: "Sandbox", icon: FlaskConical },
  { segment: "groups", label: "Groups", icon: Users },
  { segment: "rollouts", label: "Rollouts", icon: Rocket },
  { segment: "agents", label: "Agents", icon: Bot },
  { segment: "decisions", label: "Decisions", icon: Gauge },
  { segment: "audit", label: "Audit", icon: ScrollText },
  { segment: "settings", label: "Settings", icon: Settings },
] as const;
