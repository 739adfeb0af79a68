import { z } from "zod";

/** An http(s) URL an org points Charter at (a webhook, an OTLP collector); `hint` says what to give instead. */
export function httpUrl(hint: string) {
  return z
    .string()
    .trim()
    .max(2000, "At most 2000 characters")
    .refine((u) => {
      try {
        const p = new URL(u).protocol;
        return p === "https:" || p === "http:";
      } catch {
        return false;
      }
    }, hint);
}
