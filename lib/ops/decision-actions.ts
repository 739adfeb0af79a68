"use server";

import { serverAction } from "./action";
import { draftReplayOp, startReplayOp } from "./decisions";

// The actions of the replay on the Requirements editor's publish panel (components/decisions/draft-replay.tsx). They
// live here, not in the Decisions page's actions.ts, because a shared component calls them. Starting refreshes
// nothing: the panel follows its replay itself, and a refresh would only re-render the editor.
export const draftReplayAction = serverAction(draftReplayOp);
export const startDraftReplayAction = serverAction(startReplayOp, { refresh: false });
