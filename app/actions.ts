"use server";

import { signOut } from "@/lib/auth/next";

export async function signOutAction() {
  await signOut({ redirectTo: "/signin" });
}
