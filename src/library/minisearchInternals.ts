/**
 * The MiniSearch 7.x fields that Verbatim reads (postings, document counts,
 * lengths) and writes (when restoring a snapshot). They are not part of
 * MiniSearch's public API, so they are named in this one place;
 * test/library/sentenceIndex.test.ts pins them against MiniSearch's own scores,
 * so an upgrade that changes them fails a test instead of answering wrongly.
 */
import type MiniSearch from 'minisearch';
import type SearchableMap from 'minisearch/SearchableMap';

export interface MiniSearchInternals<Id> {
  /** term → field id → (short document id → term frequency) */
  _index: SearchableMap<Map<number, Map<number, number>>>;
  /** short document id → length of each field (distinct terms) */
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _nextId: number;
  /** short id → document id, and back */
  _documentIds: Map<number, Id>;
  _idToShortId: Map<Id, number>;
  /** Discarded documents whose postings await a vacuum. */
  _dirtCount: number;
}

/** The internal fields of a MiniSearch instance. */
export function internalsOf<Id>(miniSearch: MiniSearch<never> | MiniSearch<any>): MiniSearchInternals<Id> {
  return miniSearch as unknown as MiniSearchInternals<Id>;
}
