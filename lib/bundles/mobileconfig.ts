/**
 * A macOS configuration profile (for MDM tools: Jamf, Kandji, Intune for Mac, …) that sets Codex's managed preference
 * `requirements_toml_base64` in the domain `com.openai.codex` — the MDM source Codex 0.169 reads on macOS, above the
 * system requirements.toml. Identifiers and UUIDs are derived from the org, so each new version replaces the installed
 * profile instead of stacking a second one beside it.
 */
import { createHash } from "node:crypto";

export const CODEX_PREFERENCE_DOMAIN = "com.openai.codex";
export const CODEX_REQUIREMENTS_KEY = "requirements_toml_base64";

/** A name-based UUID (RFC 9562 version 5 layout over sha256): the same org always gets the same UUID. */
export function stableUuid(name: string): string {
  const b = createHash("sha256").update(`charter:${name}`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`.toUpperCase();
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Reverse-DNS identifiers allow letters, digits, dots and hyphens only. */
const identifierPart = (s: string) => s.replace(/[^A-Za-z0-9-]/g, "-");

export interface MobileconfigInput {
  org: string;
  version: number;
  requirementsToml: string;
}

export function requirementsMobileconfig({ org, version, requirementsToml }: MobileconfigInput): string {
  const base = `dev.charter.${identifierPart(org)}.codex-requirements`;
  const encoded = Buffer.from(requirementsToml, "utf8").toString("base64");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadDisplayName</key>
			<string>Codex managed requirements</string>
			<key>PayloadIdentifier</key>
			<string>${xml(base)}.settings</string>
			<key>PayloadType</key>
			<string>${CODEX_PREFERENCE_DOMAIN}</string>
			<key>PayloadUUID</key>
			<string>${stableUuid(`${org}:settings`)}</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
			<key>${CODEX_REQUIREMENTS_KEY}</key>
			<string>${encoded}</string>
		</dict>
	</array>
	<key>PayloadDescription</key>
	<string>${xml(`Codex requirements of ${org}, version ${version}, verified by charter pull.`)}</string>
	<key>PayloadDisplayName</key>
	<string>${xml(`Codex requirements (${org})`)}</string>
	<key>PayloadIdentifier</key>
	<string>${xml(base)}</string>
	<key>PayloadOrganization</key>
	<string>${xml(org)}</string>
	<key>PayloadRemovalDisallowed</key>
	<true/>
	<key>PayloadScope</key>
	<string>System</string>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>${stableUuid(`${org}:profile`)}</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
</dict>
</plist>
`;
}
