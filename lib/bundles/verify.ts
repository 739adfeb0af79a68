/**
 * Verification of a signed bundle: the agent's own code (packages/agent/src/bundle/verify.ts, dependency-free), so the
 * server, its tests and `charter pull` check bundles exactly as hosts do. Here step 6 is Charter's validator.
 */
import { charterValidate } from "../../packages/agent/src/validate";
import {
  verifyBundle as verifyWith,
  type BundleVerification,
  type VerifyOptions,
} from "../../packages/agent/src/bundle/verify";

export {
  DEFAULT_CLOCK_SKEW_MS,
  keyFingerprint,
  parseJwks,
  type BundleFailure,
  type BundleFailureReason,
  type BundleTrust,
  type BundleVerification,
  type JWK,
  type Jwks,
  type RequirementsCheck,
  type VerifyOptions,
} from "../../packages/agent/src/bundle/verify";

export { charterValidate };

/** Verifies in the DESIGN.md order, with Charter's validator as the last step unless the caller brings its own. */
export function verifyBundle(jws: string, options: VerifyOptions): Promise<BundleVerification> {
  return verifyWith(jws, { validate: charterValidate, ...options });
}
