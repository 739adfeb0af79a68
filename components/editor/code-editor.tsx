"use client";

import { useEffect, useRef } from "react";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting } from "@codemirror/language";
import { toml } from "@codemirror/legacy-modes/mode/toml";
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Annotation, EditorState, type Extension } from "@codemirror/state";
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import type { Diagnostic } from "@/lib/requirements";

export interface CodeEditorHandle {
  /** Moves the cursor to a 1-based line and column and focuses the editor. */
  goTo(line: number, column: number): void;
  /** Hands a text typed but not yet given to onChange (see LAZY_AFTER_CHARS) to onChange now. */
  flush(): void;
}

// On a large document, reading the whole text into one string and re-rendering the page with it costs more than the
// keystroke itself: its text goes to onChange once typing pauses (or at least every MAX_WAIT_MS while it goes on),
// and onPending says at the first keystroke that a text is on its way. Smaller documents go to onChange per keystroke.
const LAZY_AFTER_CHARS = 32 * 1024;
const PAUSE_MS = 150;
const MAX_WAIT_MS = 1000;

/** Marks a change that applies the parent's `value`: the parent has that text already, nothing goes back to it. */
const fromParent = Annotation.define<string>();

// Colours come from CSS variables (app/globals.css), so the editors follow the light and dark themes.
const highlight = HighlightStyle.define([
  { tag: tags.comment, color: "var(--color-hl-comment)", fontStyle: "italic" },
  { tag: [tags.propertyName, tags.variableName, tags.definition(tags.variableName)], color: "var(--color-hl-key)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--color-hl-string)" },
  { tag: [tags.number, tags.atom, tags.bool], color: "var(--color-hl-number)" },
  { tag: [tags.heading, tags.typeName, tags.className], color: "var(--color-hl-table)", fontWeight: "600" },
  { tag: tags.strong, fontWeight: "700" },
  { tag: tags.emphasis, fontStyle: "italic" },
]);

const theme = EditorView.theme({
  "&": { fontSize: "13px", border: "1px solid var(--color-line)", borderRadius: "0.5rem", backgroundColor: "var(--color-white)", color: "var(--color-ink)" },
  "&.cm-focused": { outline: "2px solid color-mix(in srgb, var(--color-accent) 40%, transparent)" },
  ".cm-content": { fontFamily: "var(--font-mono)", padding: "8px 0", caretColor: "var(--color-ink)" },
  ".cm-gutters": { backgroundColor: "var(--color-panel)", borderRight: "1px solid var(--color-line)", color: "var(--color-muted)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--color-accent) 7%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--color-accent) 12%, transparent)" },
  ".cm-content ::selection": { backgroundColor: "color-mix(in srgb, var(--color-accent) 30%, transparent)" },
  ".cm-scroller": { overflow: "auto" },
});

/**
 * CodeMirror 6 for TOML or markdown. Controlled: `value` from the parent wins, but an outside change is applied as the
 * smallest replacement, so the cursor and undo history survive form edits. A `value` this editor itself produced since
 * the parent last caught up is an echo that arrived late (the parent reads it back through a worker), not an outside
 * change: it is ignored, so nothing typed meanwhile is lost. Diagnostics are computed by the caller (the requirements
 * engine) and shown underlined in place.
 */
export function CodeEditor({
  value,
  onChange,
  language,
  label,
  diagnostics,
  readOnly = false,
  minHeight = "18rem",
  handleRef,
  onPending,
}: {
  value: string;
  onChange?: (value: string) => void;
  /** A large document changed and its text will reach onChange shortly (flush() hands it over at once). */
  onPending?: () => void;
  language: "toml" | "markdown";
  label: string;
  diagnostics?: readonly Diagnostic[];
  readOnly?: boolean;
  minHeight?: string;
  handleRef?: React.RefObject<CodeEditorHandle | null>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onPendingRef = useRef(onPending);
  onPendingRef.current = onPending;
  // A large document's text not yet given to onChange: since when it waits, and the timer that will hand it over.
  const unsent = useRef<{ since: number; timer: ReturnType<typeof setTimeout> } | null>(null);
  const emit = useRef(() => {});
  // Texts this editor emitted that the parent has not handed back yet (see above). An array, not a Set: a Set hashes
  // each whole text (a 256 KiB file per keystroke), while the parent hands back the very same strings.
  const emitted = useRef<string[]>([]);
  // The last text emitted and the document it was read from: the usual echo is recognised without reading the doc again.
  const lastEmitted = useRef<{ doc: unknown; text: string } | null>(null);

  useEffect(() => {
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      // No drawSelection(): the browser's own caret and selection. CodeMirror's drawn ones are measured and placed again
      // on every keystroke, a fifth of the editor's main-thread time per keystroke on a large file.
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap, ...searchKeymap]),
      language === "toml" ? StreamLanguage.define(toml) : markdown(),
      syntaxHighlighting(highlight),
      lintGutter(),
      theme,
      // A bounded height that scrolls inside: a long file does not make the page itself tens of thousands of pixels
      // tall, so a keystroke re-lays out and repaints the editor's box only.
      EditorView.theme({ ".cm-content, .cm-gutter": { minHeight }, "&": { maxHeight: "max(24rem, 80vh)" } }),
      EditorView.lineWrapping,
      EditorState.readOnly.of(readOnly),
      // tabindex: the text is what keyboard users reach in the scrolling box (it is focusable anyway, being editable,
      // but checkers such as axe only count an explicit tabindex).
      EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true", role: "textbox", tabindex: "0" }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged || !onChangeRef.current) return;
        if (update.transactions.every((tr) => !tr.docChanged || tr.annotation(fromParent) !== undefined)) {
          // The document is now the parent's value (it replaced anything typed and not yet handed over).
          if (unsent.current) clearTimeout(unsent.current.timer);
          unsent.current = null;
          lastEmitted.current = { doc: update.state.doc, text: update.transactions.findLast((tr) => tr.docChanged)!.annotation(fromParent)! };
          return;
        }
        if (update.state.doc.length <= LAZY_AFTER_CHARS && !unsent.current) return emit.current();
        const since = unsent.current?.since ?? Date.now();
        if (unsent.current) clearTimeout(unsent.current.timer);
        else onPendingRef.current?.();
        unsent.current = { since, timer: setTimeout(() => emit.current(), Math.max(0, Math.min(PAUSE_MS, since + MAX_WAIT_MS - Date.now()))) };
      }),
    ];
    const v = new EditorView({ parent: host.current!, state: EditorState.create({ doc: value, extensions }) });
    view.current = v;
    emit.current = () => {
      if (unsent.current) clearTimeout(unsent.current.timer);
      unsent.current = null;
      const text = v.state.doc.toString();
      emitted.current.push(text);
      lastEmitted.current = { doc: v.state.doc, text };
      onChangeRef.current?.(text);
    };
    return () => {
      // Nothing typed is dropped: a text still waiting goes to onChange before the editor goes.
      if (unsent.current) emit.current();
      v.destroy();
      view.current = null;
      emit.current = () => {};
    };
    // The editor is created once per language; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, readOnly, label]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const echo = lastEmitted.current;
    const current = echo && echo.doc === v.state.doc ? echo.text : v.state.doc.toString();
    if (current === value) {
      emitted.current = [];
      return;
    }
    if (emitted.current.includes(value)) return;
    emitted.current = [];
    let start = 0;
    while (start < current.length && start < value.length && current[start] === value[start]) start++;
    let endCur = current.length;
    let endNew = value.length;
    while (endCur > start && endNew > start && current[endCur - 1] === value[endNew - 1]) {
      endCur--;
      endNew--;
    }
    v.dispatch({ changes: { from: start, to: endCur, insert: value.slice(start, endNew) }, annotations: fromParent.of(value) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const marks: CmDiagnostic[] = (diagnostics ?? []).map((d) => {
      const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
      const from = Math.min(line.from + Math.max(d.column - 1, 0), line.to);
      // Underline from the reported column to the end of the token (or the line).
      const rest = doc.sliceString(from, line.to);
      const token = /^[^\s,=\]}]+/.exec(rest)?.[0].length ?? 0;
      const to = Math.max(from + token, Math.min(from + 1, line.to));
      return { from, to, severity: d.severity, message: d.message, source: d.path || undefined };
    });
    v.dispatch(setDiagnostics(v.state, marks));
    // Placed on the text as it is now; re-placed when the next checks arrive, not on every keystroke.
  }, [diagnostics]);

  useEffect(() => {
    if (!handleRef) return;
    handleRef.current = {
      goTo(line, column) {
        const v = view.current;
        if (!v) return;
        const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
        const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
        v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
        v.focus();
      },
      flush() {
        if (unsent.current) emit.current();
      },
    };
  }, [handleRef]);

  return <div ref={host} data-testid={`editor-${language}`} />;
}
