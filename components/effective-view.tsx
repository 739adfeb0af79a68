"use client";

import { useMemo, useState } from "react";
import { Plus, Trash2 } from "lucide-react";
import { effectiveRequirements, LAYER_MODEL_CODEX_VERSION, type Layer, type LayerKind } from "@/lib/requirements/layers";
import { formatPath, isTable, type PathSegment, type TomlPlainValue } from "@/lib/requirements/compare";
import { CLOUD_BUNDLE_CODEX_VERSIONS, effectiveConfig, layersFromBundle, parseCloudBundle, type BundleLayers } from "@/lib/requirements/cloud-bundle";
import { CodeEditor } from "./editor/code-editor";

const KINDS: { kind: LayerKind; label: string; name: string }[] = [
  { kind: "cloud", label: "Cloud requirements fragment", name: "cloud fragment" },
  { kind: "legacy-managed-config", label: "Legacy /etc/codex/managed_config.toml", name: "/etc/codex/managed_config.toml" },
  { kind: "mdm-legacy-config", label: "Legacy MDM config_toml_base64", name: "MDM com.openai.codex:config_toml_base64" },
  { kind: "mdm", label: "MDM requirements_toml_base64 (macOS)", name: "MDM com.openai.codex:requirements_toml_base64" },
];

interface Row {
  path: string;
  value: string;
}

/** Leaves and lists of the merged document, with the display paths `sources` uses. */
function flatten(value: TomlPlainValue, segments: PathSegment[] = [], out: Row[] = []): Row[] {
  if (isTable(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && segments.length) out.push({ path: formatPath(segments), value: "{} (empty table)" });
    for (const k of keys) flatten(value[k], [...segments, k], out);
  } else if (Array.isArray(value) && value.some(isTable)) {
    value.forEach((item, i) => out.push({ path: formatPath([...segments, i]), value: JSON.stringify(item) }));
  } else out.push({ path: formatPath(segments), value: typeof value === "string" && value.includes("\n") ? `${value.split("\n")[0]}… (${value.length} characters)` : JSON.stringify(value) });
  return out;
}

/**
 * "What will agents actually enforce": this draft as the system file, plus the other layers a host may have, composed
 * as Codex does, with the source of every value.
 */
export function EffectiveView({ draft }: { draft: string }) {
  const [layers, setLayers] = useState<Layer[]>([]);
  const [hostname, setHostname] = useState("");
  // A cloud config bundle as Codex fetches it: its enterprise-managed requirement fragments join the layers, its
  // enterprise-managed config fragments make the cloud config layers below.
  const [bundleText, setBundleText] = useState("");
  const bundle = useMemo(() => {
    const none: BundleLayers = { requirements: [], config: [], notes: [], errors: [] };
    if (bundleText.trim() === "") return { layers: none, error: null as string | null };
    try {
      return { layers: layersFromBundle(parseCloudBundle(bundleText)), error: null };
    } catch (err) {
      return { layers: none, error: (err as Error).message };
    }
  }, [bundleText]);
  const all: Layer[] = useMemo(
    () => [{ kind: "system", name: "/etc/codex/requirements.toml (this draft)", text: draft }, ...layers, ...bundle.layers.requirements],
    [draft, layers, bundle],
  );
  const result = useMemo(() => effectiveRequirements(all, { hostname: hostname.trim() || undefined }), [all, hostname]);
  const config = useMemo(() => (bundle.layers.config.length > 0 ? effectiveConfig(bundle.layers.config, result.value) : null), [bundle, result]);
  const rows = useMemo(() => flatten(result.value), [result]);
  const update = (i: number, patch: Partial<Layer>) => setLayers((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <section aria-labelledby="layers-heading" className="min-w-0 space-y-3">
        <h2 id="layers-heading" className="text-sm font-medium">Layers on the host</h2>
        <p className="text-xs text-muted">
          Codex {LAYER_MODEL_CODEX_VERSION} merges requirement layers from lowest to highest precedence: system file, cloud fragments (the first fragment
          wins), legacy managed config, legacy MDM config, MDM requirements. Add the layers your hosts also receive.
        </p>
        <label className="block text-xs font-medium" htmlFor="hostname">Host name (resolves <code className="font-mono">remote_sandbox_config</code>)</label>
        <input id="hostname" value={hostname} onChange={(e) => setHostname(e.target.value)} placeholder="build-42.ci.acme.internal" className="w-full rounded-md border border-line px-3 py-1.5 font-mono text-sm" />
        {layers.map((layer, i) => (
          <div key={i} className="space-y-2 rounded-lg border border-line p-3">
            <div className="flex items-center gap-2">
              <label className="sr-only" htmlFor={`layer-kind-${i}`}>Layer kind</label>
              <select id={`layer-kind-${i}`} value={layer.kind} onChange={(e) => update(i, { kind: e.target.value as LayerKind })} className="rounded-md border border-line px-2 py-1 text-sm">
                {KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
              </select>
              <label className="sr-only" htmlFor={`layer-name-${i}`}>Layer name</label>
              <input id={`layer-name-${i}`} value={layer.name} onChange={(e) => update(i, { name: e.target.value })} className="min-w-0 flex-1 rounded-md border border-line px-2 py-1 text-sm" />
              <button type="button" aria-label="Remove layer" onClick={() => setLayers((ls) => ls.filter((_, j) => j !== i))} className="rounded p-1 text-muted hover:text-danger">
                <Trash2 aria-hidden className="size-4" />
              </button>
            </div>
            <CodeEditor language="toml" label={`${layer.name} (TOML)`} value={layer.text} onChange={(text) => update(i, { text })} minHeight="6rem" />
          </div>
        ))}
        <button type="button" onClick={() => setLayers((ls) => [...ls, { kind: "cloud", name: `cloud fragment ${ls.length + 1}`, text: "" }])}
          className="flex items-center gap-1.5 rounded-md border border-line px-3 py-1.5 text-sm hover:bg-panel">
          <Plus aria-hidden className="size-4" /> Add a layer
        </button>
        <label className="block text-xs font-medium" htmlFor="cloud-bundle">
          Cloud config bundle (JSON body of <code className="font-mono">GET /wham/config/bundle</code>, optional)
        </label>
        <textarea id="cloud-bundle" value={bundleText} onChange={(e) => setBundleText(e.target.value)} rows={5} spellCheck={false}
          placeholder='{"requirements_toml": {"enterprise_managed": [{"id": "req_1", "name": "Base", "contents": "…"}]}, "config_toml": {"enterprise_managed": []}}'
          className="w-full rounded-md border border-line px-3 py-1.5 font-mono text-xs" data-testid="cloud-bundle" />
        {bundle.error ? <p role="alert" className="text-xs text-danger">{bundle.error}</p> : null}
        {bundle.layers.errors.length > 0 ? (
          <ul role="alert" className="space-y-1 text-xs text-danger">{bundle.layers.errors.map((e, i) => <li key={i}>{e.layer}: {e.message}</li>)}</ul>
        ) : null}
        {bundle.layers.notes.length > 0 ? (
          <ul className="list-disc space-y-0.5 pl-5 text-xs text-muted" data-testid="cloud-bundle-notes">{bundle.layers.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
        ) : null}
      </section>
      <section aria-labelledby="effective-heading" className="min-w-0 space-y-3">
        <h2 id="effective-heading" className="text-sm font-medium">Effective requirements</h2>
        {result.errors.length > 0 ? (
          <ul role="alert" className="space-y-1 rounded-md border border-danger/30 bg-danger/5 px-3 py-2 text-xs text-danger">
            {result.errors.map((e, i) => <li key={i}>{e.layer.name}: {e.message} — Codex would not start.</li>)}
          </ul>
        ) : null}
        {result.notes.length > 0 ? (
          <ul className="list-disc space-y-0.5 pl-5 text-xs text-muted">{result.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
        ) : null}
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Effective values, scrolls sideways on a narrow screen">
        <table className="w-full text-left text-xs" data-testid="effective-table">
          <thead className="border-b border-line text-muted">
            <tr><th className="py-1 pr-2 font-medium">Key</th><th className="py-1 pr-2 font-medium">Value</th><th className="py-1 font-medium">Source</th></tr>
          </thead>
          <tbody className="divide-y divide-line">
            {rows.map((r) => (
              <tr key={r.path}>
                <td className="py-1 pr-2 align-top font-mono">{r.path}</td>
                <td className="break-all py-1 pr-2 align-top font-mono">{r.value}</td>
                <td className="py-1 align-top text-muted">{result.sources[r.path]?.name ?? "—"}</td>
              </tr>
            ))}
            {rows.length === 0 ? <tr><td colSpan={3} className="py-2 text-muted">No requirements: Codex applies no constraints.</td></tr> : null}
          </tbody>
        </table>
        </div>
        {config ? (
          <>
            <h2 className="pt-2 text-sm font-medium">Config from the cloud bundle, under these requirements</h2>
            <p className="text-xs text-muted">
              As Codex {CLOUD_BUNDLE_CODEX_VERSIONS.join(" and ")} apply it: the enterprise-managed config fragments lie above the host&apos;s
              /etc/codex/config.toml and below the user&apos;s own config, the first fragment winning. Values the requirements do not allow fall back
              to the first allowed entry.
            </p>
            {config.errors.length > 0 ? (
              <ul role="alert" className="space-y-1 text-xs text-danger">{config.errors.map((e, i) => <li key={i}>{e.layer}: {e.message}</li>)}</ul>
            ) : null}
            <table className="w-full text-left text-xs" data-testid="effective-config-table">
              <thead className="border-b border-line text-muted">
                <tr><th className="py-1 pr-2 font-medium">Key</th><th className="py-1 pr-2 font-medium">Value</th><th className="py-1 font-medium">Source</th></tr>
              </thead>
              <tbody className="divide-y divide-line">
                {config.values.map((v) => (
                  <tr key={v.path}>
                    <td className="py-1 pr-2 align-top font-mono">{v.path}</td>
                    <td className="break-all py-1 pr-2 align-top font-mono">{JSON.stringify(v.value)}</td>
                    <td className="py-1 align-top text-muted">{v.source}{v.note ? ` — ${v.note}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </section>
    </div>
  );
}
