import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "../../../lib/auth/password";

describe("password hashing", () => {
  it("verifies the password it hashed and refuses any other", async () => {
    const hash = await hashPassword("tdpsP-aGCQs-R6sD4-B4HZT");
    expect(await verifyPassword("tdpsP-aGCQs-R6sD4-B4HZT", hash)).toBe(true);
    expect(await verifyPassword("tdpsP-aGCQs-R6sD4-B4HZt", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("stores scrypt parameters and a random salt, never the password", async () => {
    const [a, b] = [await hashPassword("same"), await hashPassword("same")];
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("same");
  });

  it("treats a malformed stored hash as a mismatch", async () => {
    for (const bad of ["", "plain", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$AAAA$"]) {
      expect(await verifyPassword("x", bad)).toBe(false);
    }
  });

  it("generates readable passwords of four five-character groups, different each time", () => {
    const p = generatePassword();
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
    expect(generatePassword()).not.toBe(p);
  });
});
