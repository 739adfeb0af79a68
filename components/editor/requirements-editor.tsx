"use client";

import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { composeReviewerPrompt } from "@/lib/guardian/prompt";
import { STARTER_TENANT_POLICY } from "@/lib/guardian/starter-policy";
import { estimateTokens } from "@/lib/guardian/tokens";
import { NEWEST_CODEX_VERSION, validateRequirements, type Diagnostic } from "@/lib/requirements";
import { compareRequirements } from "@/lib/requirements/compare";
import { FORM_LIST_KEYS, FORM_OPTIONS, readFormFields, type FormListKey } from "@/lib/requirements/edit";
import { listControl } from "@/lib/requirements/keys";
import { createChangeRequestAction, publishAction, saveDraftAction, validateAction } from "@/lib/ops/policy-actions";
import { withEdit, type Comparison, type FormEdit } from "./checks";
import { CodeEditor, type CodeEditorHandle } from "./code-editor";
import { DiagnosticsList } from "./diagnostics-list";
import { ListControl } from "./list-control";
import { useFormEdits } from "./use-form-edits";
import { useTextChecks } from "./use-text-checks";
import { PolicySections, VerdictBadge } from "../diff-view";
import { DraftReplay } from "../decisions/draft-replay";

export interface EditorDraft {
  toml: string;
  revision: number;
  updatedAt: string;
  updatedBy: string | null;
}

interface Conflict {
  theirs: EditorDraft;
  yours: string;
}

/** Label and help of each list control, from the key table. */
const LIST_LABELS = Object.fromEntries(FORM_LIST_KEYS.map((k) => [k, { label: listControl(k).label, help: listControl(k).help }])) as Record<FormListKey, { label: string; help: string }>;

const storageKey = (org: string) => `charter:draft:${org}`;

// Keeping unsaved work in localStorage writes the whole text: on a large file, once typing pauses.
const SETTLE_AFTER_CHARS = 32 * 1024;
const SETTLE_MS = 250;

/** `value`, or with a delay, `value` once it has not changed for `ms` (typing paused). */
function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (ms === 0) return setSettled(value);
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return ms === 0 ? value : settled;
}

const TABS = [["form", "Common keys"], ["policy", "Auto-review policy"], ["prompt", "Reviewer prompt"]] as const;

/** The requirements editor: form controls and the TOML text, kept in sync, with live checks and conflict-safe saves. */
export function RequirementsEditor({
  org,
  initial,
  published,
  approvalsRequired,
  canPublish,
  codexVersions,
}: {
  org: string;
  initial: EditorDraft;
  published: { number: number; toml: string } | null;
  approvalsRequired: number;
  canPublish: boolean;
  /** The Codex versions the org's fleet runs (oldest first); the file is checked against each. */
  codexVersions: string[];
}) {
  const [text, setTextState] = useState(initial.toml);
  // The newest text, ahead of React's render: two keystrokes that arrive before a re-render must both apply.
  const latest = useRef(initial.toml);
  // Typing in a large file reaches `text` once it pauses (CodeEditor's onPending/flush): meanwhile the draft is
  // unsaved and unchecked.
  const [unsent, setUnsent] = useState(false);
  const setText = (next: string) => {
    latest.current = next;
    setTextState(next);
    setUnsent(false);
  };
  const editor = useRef<CodeEditorHandle | null>(null);
  /** The newest text, including what was typed into the TOML editor but not yet handed over. */
  const current = () => {
    editor.current?.flush();
    return latest.current;
  };
  const [base, setBase] = useState(initial);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [restored, setRestored] = useState(false);
  const [tab, setTab] = useState<"form" | "policy" | "prompt">("form");
  // Messages about one state of the text: they disappear as soon as the text changes.
  const [formError, setFormError] = useState<{ text: string; message: string } | null>(null);
  const [notice, setNotice] = useState<{ tone: "ok" | "error"; text: string; about: string } | null>(null);
  const [pending, startTransition] = useTransition();

  // Parsing, validating and comparing happen in a Web Worker (useTextChecks): a keystroke costs the main thread only
  // the editor's own update, whatever the file's size. The form and the checks follow the text as the worker answers.
  const { form, checks, showForm } = useTextChecks(text, () => readFormFields(initial.toml), codexVersions, published?.toml ?? "");
  const fields = form.fields;
  const settled = useSettled(text, text.length > SETTLE_AFTER_CHARS ? SETTLE_MS : 0);
  const checked = checks?.text;
  // Codex compiles hook matchers and MCP url patterns with Rust's regex engine, which runs on the server only: a text
  // with such regexes gets its verdict from the server.
  const needsServer = !!checks?.validation.diagnostics.some((d) => d.code === "regex-unchecked");
  const [server, setServer] = useState<{ text: string; result: NonNullable<typeof checks>["validation"] } | null>(null);
  useEffect(() => {
    if (!needsServer || checked === undefined) return;
    let live = true;
    const timer = setTimeout(() => {
      void validateAction(org, { toml: checked }).then((r) => {
        if (live && r.ok) setServer({ text: checked, result: r.data });
      });
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [needsServer, checked, org]);
  const result = !checks ? null : needsServer && server?.text === checks.text ? server.result : checks.validation;
  const dirty = unsent || text !== base.toml;

  // Unsaved work survives a reload: kept per org with the revision it was based on. Read once, against the draft the
  // page loaded with: every action re-renders the page with a new `initial`, and re-reading the stored copy then (it
  // follows the text only once the checks settle) would put an older text over what was typed since.
  const loaded = useRef(initial);
  useEffect(() => {
    const raw = localStorage.getItem(storageKey(org));
    if (!raw) return;
    const initial = loaded.current;
    try {
      const stored = JSON.parse(raw) as { toml: string; baseRevision: number };
      if (stored.toml === initial.toml) localStorage.removeItem(storageKey(org));
      else if (stored.baseRevision === initial.revision) {
        setText(stored.toml);
        setRestored(true);
      } else setConflict({ theirs: initial, yours: stored.toml });
    } catch {
      localStorage.removeItem(storageKey(org));
    }
  }, [org]);
  useEffect(() => {
    if (settled !== base.toml) localStorage.setItem(storageKey(org), JSON.stringify({ toml: settled, baseRevision: base.revision }));
    else localStorage.removeItem(storageKey(org));
  }, [org, settled, base.revision, base.toml]);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      // The copy above waits for typing to pause: whatever was typed last is kept for the reload too.
      const now = current();
      if (now === base.toml) return;
      localStorage.setItem(storageKey(org), JSON.stringify({ toml: now, baseRevision: base.revision }));
      e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  });

  // A form edit is patched into the text in a worker (proving a patch parses the whole result; the text it patches is
  // read ahead once the pointer or focus reaches the form); meanwhile the form shows what the edit makes, so the next
  // click builds on it.
  const formEdits = useFormEdits({
    latest: current,
    onEdited: (next, settled) => {
      setText(next);
      setFormError(null);
      if (settled) showForm(next, (shown) => shown);
    },
    onFailed: (message, readBack) => {
      setFormError({ text: latest.current, message });
      showForm(latest.current, readBack);
    },
  });
  const edit = (e: FormEdit) => {
    showForm(current(), (shown) => (shown ? withEdit(shown, e) : shown), true);
    formEdits.apply(e);
  };

  const save = (toml: string, baseRevision: number) =>
    startTransition(async () => {
      const merging = conflict !== null;
      const r = await saveDraftAction(org, { toml, baseRevision });
      if (r.ok) {
        const next = { toml, revision: r.data.revision, updatedAt: new Date().toISOString(), updatedBy: null };
        setBase(next);
        // Keystrokes typed while the save was in flight stay; only a merged version replaces the text.
        if (merging) setText(toml);
        setConflict(null);
        setRestored(false);
        const refused = (checks?.text === toml && !needsServer ? checks.validation.diagnostics : validateRequirements(toml).diagnostics).filter((d) => d.severity === "error").length;
        setNotice(refused
          ? { tone: "error", text: `Saved as revision ${r.data.revision}, but Codex would refuse this file (${refused} error${refused === 1 ? "" : "s"}): fix it before publishing.`, about: toml }
          : { tone: "ok", text: `Saved as revision ${r.data.revision}.`, about: toml });
      } else if (r.error.code === "conflict" && isTheirs(r.error.details)) {
        setConflict({ theirs: r.error.details.theirs, yours: toml });
      } else setNotice({ tone: "error", text: r.error.message, about: toml });
    });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key === "s") {
        e.preventDefault();
        if (!conflict && !pending) void formEdits.settled().then(() => save(current(), base.revision));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const goTo = (d: Diagnostic) => editor.current?.goTo(d.line, d.column);

  // Tabs as the WAI-ARIA pattern has them: arrow keys move and select, Home/End jump; one tab stop for the list.
  const onTabKey = (e: React.KeyboardEvent, index: number) => {
    const last = TABS.length - 1;
    const next = e.key === "ArrowRight" ? (index === last ? 0 : index + 1) : e.key === "ArrowLeft" ? (index === 0 ? last : index - 1) : e.key === "Home" ? 0 : e.key === "End" ? last : null;
    if (next === null) return;
    e.preventDefault();
    setTab(TABS[next][0]);
    document.getElementById(`tab-${TABS[next][0]}`)?.focus();
  };

  if (conflict) {
    return <ConflictView conflict={conflict} pending={pending} onKeepTheirs={() => {
      setBase(conflict.theirs);
      setText(conflict.theirs.toml);
      setConflict(null);
    }} onSaveMerged={(merged) => save(merged, conflict.theirs.revision)} />;
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-line bg-panel px-4 py-2 text-sm">
        <span data-testid="draft-status" role="status">
          {dirty ? <strong className="font-medium text-amber-700">Unsaved changes</strong> : <span className="text-muted">Saved · revision {base.revision}</span>}
        </span>
        {restored ? (
          <span className="text-xs text-muted">
            Restored unsaved changes from this browser.{" "}
            <button type="button" className="underline" onClick={() => { setText(base.toml); setRestored(false); }}>Discard them</button>
          </span>
        ) : null}
        {notice && !unsent && notice.about === text ? <span role="alert" className={`text-xs ${notice.tone === "ok" ? "text-emerald-700" : "text-danger"}`}>{notice.text}</span> : null}
        <span className="ml-auto flex gap-2">
          <button type="button" onClick={() => void formEdits.settled().then(() => save(current(), base.revision))} disabled={!dirty || pending}
            className="rounded-md border border-line bg-white px-3 py-1.5 font-medium hover:bg-panel disabled:opacity-50">
            {pending ? "Saving…" : "Save draft"}
          </button>
        </span>
      </div>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
        <section aria-label="Form" className="space-y-4" onPointerEnter={formEdits.readAhead} onFocus={formEdits.readAhead}>
          <div role="tablist" aria-label="Editor panels" className="flex gap-1 overflow-x-auto border-b border-line">
            {TABS.map(([id, label], index) => (
              <button key={id} type="button" role="tab" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`} tabIndex={tab === id ? 0 : -1}
                onClick={() => setTab(id)} onKeyDown={(e) => onTabKey(e, index)}
                className={`-mb-px shrink-0 border-b-2 px-3 py-1.5 text-sm ${tab === id ? "border-accent font-medium" : "border-transparent text-muted hover:text-ink"}`}>
                {label}
              </button>
            ))}
          </div>
          {formError && !unsent && formError.text === text ? <p role="alert" className="rounded-md bg-danger/5 px-3 py-2 text-xs text-danger">{formError.message}</p> : null}
          {!fields ? (
            <p className="rounded-md border border-dashed border-line p-4 text-sm text-muted">The TOML has a syntax error; the form comes back once the text parses.</p>
          ) : tab === "form" ? (
            <div role="tabpanel" id="panel-form" aria-labelledby="tab-form" className="space-y-5">
              {FORM_LIST_KEYS.map((key) => (
                <ListControl key={key} name={key} {...LIST_LABELS[key]} options={FORM_OPTIONS[key]} values={fields.lists[key].values} editable={fields.lists[key].editable}
                  onChange={(values) => edit({ kind: "list", key, values })} />
              ))}
              <FeaturePins pins={fields.features} onChange={(name, value) => edit({ kind: "feature", name, value })} />
            </div>
          ) : tab === "policy" ? (
            <div role="tabpanel" id="panel-policy" aria-labelledby="tab-policy" className="space-y-2">
              <p className="text-xs text-muted">
                <code className="font-mono">guardian_policy_config</code> replaces Codex&apos;s default tenant policy in the Auto-review prompt.
                {fields.guardianPolicyConfig === undefined ? " Not set: agents use the built-in policy." : ` About ${estimateTokens(fields.guardianPolicyConfig)} tokens.`}
              </p>
              {fields.guardianPolicyConfig === undefined ? (
                <button type="button" className="rounded-md border border-line px-3 py-1.5 text-sm hover:bg-panel" onClick={() => edit({ kind: "policy", value: STARTER_TENANT_POLICY })}>
                  Start from Charter&apos;s starter policy
                </button>
              ) : null}
              <CodeEditor language="markdown" label="Auto-review policy (markdown)" value={fields.guardianPolicyConfig ?? ""} minHeight="22rem"
                onChange={(policy) => edit({ kind: "policy", value: policy.trim() === "" ? undefined : policy })} />
            </div>
          ) : (
            <div role="tabpanel" id="panel-prompt" aria-labelledby="tab-prompt" className="space-y-2">
              <PromptPreview policy={fields.guardianPolicyConfig} />
            </div>
          )}
        </section>

        <section aria-label="TOML" className="space-y-3">
          <CodeEditor language="toml" label="requirements.toml" value={text} onChange={setText} onPending={() => setUnsent(true)} diagnostics={result?.diagnostics} handleRef={editor} minHeight="28rem" />
          <DiagnosticsList result={result} onSelect={goTo} codexVersion={result?.codexVersion ?? codexVersions.at(-1) ?? NEWEST_CODEX_VERSION} />
        </section>
      </div>

      <PublishPanel org={org} checking={unsent || !result || checks?.text !== text} dirty={dirty} valid={result ? result.valid : null} comparison={checks?.comparison ?? null} baseRevision={base.revision} published={published} approvalsRequired={approvalsRequired} canPublish={canPublish} />
    </div>
  );
}

function isTheirs(details: unknown): details is { theirs: EditorDraft } {
  return !!details && typeof details === "object" && "theirs" in details;
}

function FeaturePins({ pins, onChange }: { pins: Record<string, boolean>; onChange: (name: string, value: boolean | undefined) => void }) {
  const [name, setName] = useState("");
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">
        <code className="font-mono">[features]</code> <span className="font-normal text-muted">· pinned feature flags</span>
      </legend>
      <p className="text-xs text-muted">A pinned feature is forced on or off for every agent; unknown names are ignored by Codex.</p>
      <ul className="divide-y divide-line rounded-md border border-line">
        {Object.entries(pins).map(([k, v]) => (
          <li key={k} className="flex items-center gap-3 px-3 py-1.5 text-sm">
            <code className="font-mono">{k}</code>
            <label className="ml-auto flex items-center gap-1.5 text-xs">
              <input type="checkbox" checked={v} onChange={(e) => onChange(k, e.target.checked)} /> on
            </label>
            <button type="button" className="text-xs text-muted underline hover:text-ink" onClick={() => onChange(k, undefined)} aria-label={`Unpin ${k}`}>
              unpin
            </button>
          </li>
        ))}
        {Object.keys(pins).length === 0 ? <li className="px-3 py-1.5 text-xs text-muted">No pins.</li> : null}
      </ul>
      <form className="flex gap-2" onSubmit={(e) => { e.preventDefault(); if (name.trim()) { onChange(name.trim(), false); setName(""); } }}>
        <label htmlFor="feature-name" className="sr-only">Feature to pin</label>
        <input id="feature-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="feature name" className="min-w-0 flex-1 rounded-md border border-line px-2 py-1 font-mono text-sm" />
        <button type="submit" className="rounded-md border border-line px-3 py-1 text-sm hover:bg-panel">Pin off</button>
      </form>
    </fieldset>
  );
}

function PromptPreview({ policy }: { policy: string | undefined }) {
  const prompt = useMemo(() => composeReviewerPrompt({ policy }), [policy]);
  return (
    <>
      <p className="text-xs text-muted">
        Charter&apos;s approximation of the instructions the Auto-review model receives: the template, with {prompt.usedDefaultPolicy ? "the starter policy (no policy set)" : "your policy"} in its Policy Configuration section, then the output contract. About {estimateTokens(prompt.text)} tokens. Sandbox runs send Codex&apos;s own prompt when it has been captured on the server.
      </p>
      <pre data-testid="prompt-preview" tabIndex={0} className="max-h-[36rem] overflow-auto whitespace-pre-wrap rounded-lg border border-line bg-panel p-3 font-mono text-xs">{prompt.text}</pre>
    </>
  );
}

function PublishPanel({ org, checking, dirty, valid, comparison, baseRevision, published, approvalsRequired, canPublish }: {
  org: string; checking: boolean; dirty: boolean; valid: boolean | null; comparison: Comparison | null; baseRevision: number; published: { number: number; toml: string } | null; approvalsRequired: number; canPublish: boolean;
}) {
  const [note, setNote] = useState("");
  const [title, setTitle] = useState("");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string; href?: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const viaRequest = approvalsRequired > 0;
  const blocked = dirty ? "Save the draft first." : checking ? "Checking the newest text…" : !valid ? "Fix the errors first: Codex would refuse this file." : comparison && comparison.changes.length === 0 && published ? `Nothing changed since version ${published.number}.` : null;

  const submit = () =>
    startTransition(async () => {
      const r = viaRequest ? await createChangeRequestAction(org, { title: title.trim() || note.trim().split("\n")[0].slice(0, 120), note }) : await publishAction(org, { note, baseRevision });
      if (r.ok) {
        setNote("");
        setTitle("");
        setMessage(viaRequest
          ? { tone: "ok", text: `Change request #${r.data.number} opened.`, href: `/o/${org}/changes/${r.data.number}` }
          : { tone: "ok", text: `Published version ${r.data.number}.`, href: `/o/${org}/versions/${r.data.number}` });
      } else setMessage({ tone: "error", text: r.error.message });
    });

  return (
    <section aria-labelledby="publish-heading" className="space-y-3 rounded-lg border border-line p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="publish-heading" className="text-sm font-medium">{viaRequest ? "Request approval to publish" : "Publish"}</h2>
        <span className="text-xs text-muted">
          {published ? `Compared with version ${published.number}` : "Nothing published yet"}
          {viaRequest ? ` · ${approvalsRequired} approval${approvalsRequired === 1 ? "" : "s"} required` : ""}
        </span>
        {valid === null ? (
          <span data-testid="verdict-badge" className="text-xs text-muted">Checking…</span>
        ) : !valid ? (
          <span data-testid="verdict-badge" className="rounded bg-danger/10 px-1.5 py-0.5 text-xs font-semibold text-danger">NO VERDICT: Codex would refuse this file</span>
        ) : comparison ? <VerdictBadge wider={comparison.wider} /> : null}
      </div>
      {valid && comparison && comparison.wider.verdict !== "PASS" ? (
        <ul className="list-disc space-y-0.5 pl-5 text-xs" data-testid="verdict-reasons">
          {comparison.wider.reasons.map((r, i) => <li key={i}>{r}</li>)}
        </ul>
      ) : null}
      {valid && comparison?.wider.policySections?.length ? (
        <details className="text-xs">
          <summary className="cursor-pointer">Auto-review policy: {comparison.wider.policySections.length} changed section{comparison.wider.policySections.length === 1 ? "" : "s"}, side by side</summary>
          <PolicySections sections={comparison.wider.policySections} />
        </details>
      ) : null}
      <DraftReplay org={org} revision={baseRevision} dirty={dirty} />
      {comparison && comparison.changes.length > 0 ? (
        <ul className="list-disc space-y-0.5 pl-5 text-xs" data-testid="pending-changes">
          {comparison.changes.map((c, i) => <li key={i}>{c.summary}</li>)}
        </ul>
      ) : null}
      {canPublish || viaRequest ? (
        <div className="space-y-2">
          {viaRequest ? (
            <>
              <label htmlFor="cr-title" className="block text-xs font-medium">Title</label>
              <input id="cr-title" value={title} onChange={(e) => setTitle(e.target.value)} className="w-full rounded-md border border-line px-3 py-1.5 text-sm" />
            </>
          ) : null}
          <label htmlFor="publish-note" className="block text-xs font-medium">Note (required: why this change)</label>
          <textarea id="publish-note" value={note} onChange={(e) => setNote(e.target.value)} rows={2} className="w-full rounded-md border border-line px-3 py-1.5 text-sm" />
          <div className="flex items-center gap-3">
            <button type="button" onClick={submit} disabled={pending || !!blocked || note.trim() === ""}
              className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 disabled:opacity-50">
              {pending ? "Working…" : viaRequest ? "Open change request" : "Publish version"}
            </button>
            {blocked ? <span className="text-xs text-muted">{blocked}</span> : null}
            {message ? (
              <span role="alert" className={`text-xs ${message.tone === "ok" ? "text-emerald-700" : "text-danger"}`}>
                {message.text} {message.href ? <a className="underline" href={message.href}>Open</a> : null}
              </span>
            ) : null}
          </div>
        </div>
      ) : (
        <p className="text-xs text-muted">Your role cannot publish.</p>
      )}
    </section>
  );
}

function ConflictView({ conflict, pending, onKeepTheirs, onSaveMerged }: { conflict: Conflict; pending: boolean; onKeepTheirs: () => void; onSaveMerged: (merged: string) => void }) {
  const [merged, setMerged] = useState(conflict.yours);
  const changes = useMemo(() => {
    try {
      return compareRequirements(conflict.theirs.toml, conflict.yours);
    } catch {
      return null;
    }
  }, [conflict]);
  const result = useMemo(() => validateRequirements(merged), [merged]);
  return (
    <section aria-labelledby="conflict-heading" className="space-y-4" data-testid="conflict-view">
      <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm">
        <h2 id="conflict-heading" className="font-medium">Someone saved this draft while you were editing</h2>
        <p className="mt-1 text-xs">
          Revision {conflict.theirs.revision} was saved{conflict.theirs.updatedBy ? ` by ${conflict.theirs.updatedBy}` : ""}. Your changes were not saved and nothing was overwritten. Merge them below, or keep theirs.
        </p>
      </div>
      {changes && changes.length > 0 ? (
        <div className="text-xs">
          <p className="font-medium">Your version differs from theirs in meaning:</p>
          <ul className="list-disc pl-5">{changes.map((c, i) => <li key={i}>{c.summary}</li>)}</ul>
        </div>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-1">
          <h3 className="text-xs font-medium">Theirs (revision {conflict.theirs.revision})</h3>
          <CodeEditor language="toml" label="Their version" value={conflict.theirs.toml} readOnly minHeight="20rem" />
        </div>
        <div className="space-y-1">
          <h3 className="text-xs font-medium">Yours (not saved)</h3>
          <CodeEditor language="toml" label="Your version" value={conflict.yours} readOnly minHeight="20rem" />
        </div>
        <div className="space-y-1">
          <h3 className="text-xs font-medium">Merge by hand</h3>
          <CodeEditor language="toml" label="Merged version" value={merged} onChange={setMerged} diagnostics={result.diagnostics} minHeight="20rem" />
        </div>
      </div>
      <div className="flex gap-2">
        <button type="button" onClick={() => onSaveMerged(merged)} disabled={pending} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          Save merged version
        </button>
        <button type="button" onClick={onKeepTheirs} className="rounded-md border border-line px-3 py-1.5 text-sm hover:bg-panel">
          Keep theirs, discard mine
        </button>
      </div>
    </section>
  );
}
