// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { requirementsMobileconfig, stableUuid } from "../../../lib/bundles/mobileconfig";

/** A small reader for the plist subset a profile uses (dict, array, string, integer, true/false). */
function plistValue(el: Element): unknown {
  switch (el.tagName) {
    case "dict": {
      const obj: Record<string, unknown> = {};
      const kids = Array.from(el.children);
      for (let i = 0; i < kids.length; i += 2) {
        expect(kids[i].tagName).toBe("key");
        obj[kids[i].textContent!] = plistValue(kids[i + 1]);
      }
      return obj;
    }
    case "array":
      return Array.from(el.children).map(plistValue);
    case "string":
      return el.textContent;
    case "integer":
      return Number(el.textContent);
    case "true":
      return true;
    case "false":
      return false;
    default:
      throw new Error(`unexpected plist element <${el.tagName}>`);
  }
}

function parseProfile(xml: string) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
  expect(doc.documentElement.tagName).toBe("plist");
  expect(doc.documentElement.children).toHaveLength(1);
  return plistValue(doc.documentElement.children[0]) as Record<string, unknown> & { PayloadContent: Record<string, unknown>[] };
}

const TOML = 'allowed_sandbox_modes = ["read-only"]\n# ünïcode & <angle> brackets\n';

describe("requirementsMobileconfig", () => {
  it("is a well-formed Configuration profile with one com.openai.codex payload", () => {
    const profile = parseProfile(requirementsMobileconfig({ org: "acme", version: 3, requirementsToml: TOML }));
    expect(profile).toMatchObject({ PayloadType: "Configuration", PayloadVersion: 1, PayloadScope: "System", PayloadIdentifier: "dev.charter.acme.codex-requirements" });
    expect(profile.PayloadContent).toHaveLength(1);
    expect(profile.PayloadContent[0]).toMatchObject({ PayloadType: "com.openai.codex", PayloadVersion: 1, PayloadIdentifier: "dev.charter.acme.codex-requirements.settings" });
    expect(profile.PayloadUUID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it("carries the TOML byte for byte as standard base64 in requirements_toml_base64", () => {
    const profile = parseProfile(requirementsMobileconfig({ org: "acme", version: 3, requirementsToml: TOML }));
    const b64 = profile.PayloadContent[0].requirements_toml_base64 as string;
    expect(b64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(b64, "base64").toString("utf8")).toBe(TOML);
  });

  it("keeps identifiers and UUIDs stable per org across versions (MDM replaces the profile), distinct between orgs", () => {
    const v3 = parseProfile(requirementsMobileconfig({ org: "acme", version: 3, requirementsToml: TOML }));
    const v4 = parseProfile(requirementsMobileconfig({ org: "acme", version: 4, requirementsToml: TOML + "# v4\n" }));
    const other = parseProfile(requirementsMobileconfig({ org: "globex", version: 3, requirementsToml: TOML }));
    for (const k of ["PayloadUUID", "PayloadIdentifier"]) {
      expect(v4[k]).toBe(v3[k]);
      expect(v4.PayloadContent[0][k]).toBe(v3.PayloadContent[0][k]);
      expect(other[k]).not.toBe(v3[k]);
    }
    expect(v3.PayloadUUID).not.toBe(v3.PayloadContent[0].PayloadUUID);
    expect(stableUuid("acme:profile")).toBe(v3.PayloadUUID);
  });

  it("escapes the org name in text and keeps identifiers to reverse-DNS characters", () => {
    const profile = parseProfile(requirementsMobileconfig({ org: "a&b<c>", version: 1, requirementsToml: TOML }));
    expect(profile.PayloadOrganization).toBe("a&b<c>");
    expect(profile.PayloadIdentifier).toBe("dev.charter.a-b-c-.codex-requirements");
  });
});
