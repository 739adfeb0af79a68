import { notFound } from "next/navigation";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";

/** For pages: a missing record (or a malformed number in the URL) is the 404 page, not an error. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if ((err instanceof AppError && err.code === "not_found") || err instanceof ZodError) notFound();
    throw err;
  }
}
