/** Adding, listing and removing corpus documents from Discord, the CLI and the console: one code path (editor.ts). */
export { CorpusEditor, MAX_TITLE_LENGTH } from './editor.ts';
export type { AddRequest, AddResult, AddedDocument, ArticleSummary, CorpusEditorOptions, RemoveResult } from './editor.ts';
export type { Actor, ChangeVia } from './audit.ts';
export type { DocumentInput } from './sources.ts';
