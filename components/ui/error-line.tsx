export function ErrorLine({ message }: { message: string | null | undefined }) {
  return message ? <p role="alert" className="rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-sm text-danger">{message}</p> : null;
}
