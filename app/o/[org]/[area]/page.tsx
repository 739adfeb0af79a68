import { notFound } from "next/navigation";
import { requireOrg } from "@/lib/auth/next";
import { CONSOLE_AREAS } from "@/components/console-areas";

// Areas that have no page of their own yet: each shows what will live there. Real pages override this route.
const UPCOMING: Record<string, string> = {
  sandbox: "Try an Auto-review policy on sample approval requests before publishing it.",
  agents: "Agent tokens, and which hosts run which version.",
};

export default async function UpcomingAreaPage({ params }: { params: Promise<{ org: string; area: string }> }) {
  const { org, area } = await params;
  await requireOrg(org);
  const entry = CONSOLE_AREAS.find((a) => a.segment === area);
  if (!entry || !UPCOMING[area]) notFound();
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-xl font-semibold">{entry.label}</h1>
      <div className="rounded-lg border border-dashed border-line p-10 text-center">
        <p className="text-sm font-medium">Nothing here yet</p>
        <p className="mt-1 text-sm text-muted">{UPCOMING[area]}</p>
      </div>
    </div>
  );
}
