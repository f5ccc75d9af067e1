import type { IndexedResource } from './repository.ts';
import { bigrams, createPostings, isExact, isShort, narrow, normalise } from './text-index.ts';

/** Points a term scores per field it occurs in, for the relevance sort (a term found only in item names scores 0). */
const WEIGHTS = { name: 8, code: 6, keywords: 4, summary: 2 } as const;
type ScoredField = keyof typeof WEIGHTS;
const SCORED_FIELDS = Object.keys(WEIGHTS) as ScoredField[];
/** At most this many matches, relevance checks each match's fields instead of walking the field postings. */
const SCAN_LIMIT = 1024;

export interface Doc {
  resource: IndexedResource;
  fields: Record<ScoredField, string>;
  /** Every searchable field, joined by newlines so that no term matches across two fields. */
  text: string;
}

export function toDoc(resource: IndexedResource): Doc {
  const fields = { name: normalise(resource.name), code: normalise(resource.code), keywords: normalise(resource.keywords.join('\n')), summary: normalise(resource.summary) };
  const text = [fields.name, fields.code, fields.keywords, fields.summary, normalise(resource.itemNames.join('\n'))].join('\n');
  return { resource, fields, text };
}

/** Distinct bigrams of the text and of each scored field: computed when indexing, not kept (millions of small strings). */
function gramsOf(doc: Doc): Record<ScoredField | 'text', string[]> {
  return { text: bigrams(doc.text), name: bigrams(doc.fields.name), code: bigrams(doc.fields.code), keywords: bigrams(doc.fields.keywords), summary: bigrams(doc.fields.summary) };
}

function diff(old: readonly string[], next: readonly string[]): { removed: string[]; added: string[] } {
  const before = new Set(old);
  const after = new Set(next);
  return { removed: old.filter((gram) => !after.has(gram)), added: next.filter((gram) => !before.has(gram)) };
}

/** The matches of one search, as the columns hold them: `matched[0..total)` and a flag per selected resource. */
export interface Selection {
  readonly selected: Uint8Array;
  readonly matched: Int32Array;
}

/**
 * The text side of the catalogue search: a character-bigram inverted index over each resource's text (for
 * matching) and over each scored field (for relevance). A term's bigrams give candidates, and the term is then
 * checked as a substring, so Chinese text needs no word segmentation. `docs` is the index's own array of
 * resources by number, which it keeps.
 */
export function createTextSearch(docs: readonly Doc[]) {
  const textPostings = createPostings();
  const fieldPostings = Object.fromEntries(SCORED_FIELDS.map((field) => [field, createPostings()])) as Record<ScoredField, ReturnType<typeof createPostings>>;

  return {
    add(docNo: number, doc: Doc): void {
      const grams = gramsOf(doc);
      textPostings.add(docNo, grams.text);
      for (const field of SCORED_FIELDS) fieldPostings[field].add(docNo, grams[field]);
    },

    replace(docNo: number, old: Doc, doc: Doc): void {
      const [oldGrams, newGrams] = [gramsOf(old), gramsOf(doc)];
      for (const [postings, key] of [[textPostings, 'text'], ...SCORED_FIELDS.map((field) => [fieldPostings[field], field] as const)] as const) {
        const { removed, added } = diff(oldGrams[key], newGrams[key]);
        postings.remove(docNo, removed);
        postings.add(docNo, added);
      }
    },

    /** Resources containing every term (anywhere), ascending; undefined when there are no terms (all resources). */
    matching(terms: readonly string[]): readonly number[] | undefined {
      if (terms.length === 0) return undefined;
      // The term with the rarest bigram drives; the others narrow its candidates, or are checked on the text.
      const long = terms.filter((term) => !isShort(term)).map((term) => ({ term, lists: textPostings.lists(term) }));
      long.sort((a, b) => (a.lists[0]?.length ?? 0) - (b.lists[0]?.length ?? 0));
      const verify = terms.filter(isShort);
      let result: readonly number[] = long.length === 0 ? docs.map((_, docNo) => docNo) : (long[0]?.lists[0] ?? []);
      long.forEach(({ term, lists }, index) => {
        const narrowed = narrow(result, index === 0 ? lists.slice(1) : lists);
        result = narrowed.result;
        if (!narrowed.complete || !isExact(term)) verify.push(term);
      });
      if (verify.length === 0 || result.length === 0) return result;
      return result.filter((docNo) => {
        const text = (docs[docNo] as Doc).text;
        return verify.every((term) => text.includes(term));
      });
    },

    /** Adds each scored field's weight to `scores` of the selected resources where a term occurs in that field; returns the best score. */
    score(terms: readonly string[], total: number, { selected, matched }: Selection, scores: Uint16Array): number {
      for (let i = 0; i < total; i++) scores[matched[i] as number] = 0;
      for (const term of terms) {
        for (const field of SCORED_FIELDS) {
          const weight = WEIGHTS[field];
          if (total <= SCAN_LIMIT || isShort(term)) {
            for (let i = 0; i < total; i++) {
              const docNo = matched[i] as number;
              if ((docs[docNo] as Doc).fields[field].includes(term)) scores[docNo] = (scores[docNo] as number) + weight;
            }
            continue;
          }
          const [first = [], ...rest] = fieldPostings[field].lists(term);
          const exact = isExact(term);
          for (const docNo of isExact(term) ? first : narrow(first, rest).result) {
            if (selected[docNo] === 1 && (exact || (docs[docNo] as Doc).fields[field].includes(term))) scores[docNo] = (scores[docNo] as number) + weight;
          }
        }
      }
      let best = 0;
      for (let i = 0; i < total; i++) best = Math.max(best, scores[matched[i] as number] as number);
      return best;
    },
  };
}
