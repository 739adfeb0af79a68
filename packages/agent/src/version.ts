import { version } from "../package.json";

/** This agent's version (from its package.json, inlined by the build). */
export const AGENT_VERSION: string = version;

export const userAgent = () => `charter-agent/${AGENT_VERSION} node/${process.versions.node}`;
