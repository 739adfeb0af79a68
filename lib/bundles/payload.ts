/**
 * The bundle payload format is defined once, in the agent package (dependency-free, so hosts verify with the very same
 * code): packages/agent/src/bundle/payload.ts.
 */
export { BUNDLE_JWS_TYPE, checkBundlePayload, parseBundlePayload, type BundlePayload } from "../../packages/agent/src/bundle/payload";
