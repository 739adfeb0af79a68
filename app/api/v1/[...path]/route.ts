import { OPERATIONS } from "@/lib/ops";
import { router } from "@/lib/ops/http";

// Every admin operation's HTTP route (lib/ops): the operation whose method and path match answers.
export const dynamic = "force-dynamic";

const api = router(OPERATIONS);
const handle = (req: Request) => api.handle(req);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
