import { z } from "zod";

/**
 * The bundle: the contract between Charter and `charter pull`. A compact JWS (EdDSA / Ed25519, `kid` and this `typ` in
 * the protected header) over this JSON payload. Built and signed once, when a version is published.
 */
export const BUNDLE_JWS_TYPE = "charter-bundle+jws";

export const bundlePayloadSchema = z.object({
  /** Payload format version, so a client refuses what it does not understand. */
  format: z.literal(1),
  /** The org's slug: a host pinned to one org refuses another org's bundle even when signed by a trusted key. */
  org: z.string().min(1),
  /** The published version number: strictly increasing per org; clients refuse to go below what they installed. */
  version: z.number().int().positive(),
  issuedAt: z.iso.datetime(),
  /** After this moment the bundle is stale: a frozen mirror cannot keep a host on an old version forever. */
  expiresAt: z.iso.datetime(),
  /** The version's requirements.toml, byte for byte. */
  requirementsToml: z.string(),
  /** sha256 (hex) of the UTF-8 bytes of requirementsToml. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BundlePayload = z.infer<typeof bundlePayloadSchema>;
