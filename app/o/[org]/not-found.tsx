import { NotFoundView } from "@/components/not-found-view";

/** A missing record or page inside an organisation: shown in the console's frame, with status 404. */
export default function ConsoleNotFound() {
  return <NotFoundView />;
}
