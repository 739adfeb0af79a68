import { handlers } from "@/lib/auth/next";

export const { GET, POST } = handlers;
