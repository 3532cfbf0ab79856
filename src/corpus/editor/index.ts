/** Adding, listing and removing corpus documents from Discord, the CLI and the console: one code path (editor.ts). */
export { CorpusEditor, MAX_TITLE_LENGTH } from './editor.ts';
export type { AddResult, AddedDocument, RemoveResult } from './editor.ts';
export type { Actor } from './audit.ts';
export type { DocumentInput } from './sources.ts';
