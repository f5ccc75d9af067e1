/**
 * Text primitives of the catalogue search: normalisation, query words, character bigrams and posting lists of
 * resource numbers. Chinese has no spaces between words, so a bigram index plus a substring check finds any word.
 */

const SEPARATORS = /[\s,，、;；]+/u;
/** A posting list this many times longer than the resources left is not intersected: those are checked directly. */
const NARROW_RATIO = 16;

/** Case and width folded (NFKC: full-width Ｌ and ５ match L and 5), so that queries match as users type them. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function queryTerms(q: string | undefined): string[] {
  if (q === undefined) return [];
  return [...new Set(normalise(q).split(SEPARATORS).filter((term) => term.length > 0))];
}

/** Distinct pairs of adjacent characters (code points) not spanning a line break: the index's keys. */
export function bigrams(text: string): string[] {
  const chars = Array.from(text);
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i] as string;
    const b = chars[i + 1] as string;
    if (a !== '\n' && b !== '\n') grams.add(a + b);
  }
  return [...grams];
}

function lowerBound(list: readonly number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Bigram → ascending resource numbers. */
export function createPostings() {
  const lists = new Map<string, number[]>();
  return {
    add(docNo: number, grams: readonly string[]): void {
      for (const gram of grams) {
        const list = lists.get(gram);
        if (list === undefined) lists.set(gram, [docNo]);
        else if (list.length === 0 || (list[list.length - 1] as number) < docNo) list.push(docNo);
        else list.splice(lowerBound(list, docNo), 0, docNo);
      }
    },
    remove(docNo: number, grams: readonly string[]): void {
      for (const gram of grams) {
        const list = lists.get(gram);
        if (list === undefined) continue;
        const at = lowerBound(list, docNo);
        if (list[at] === docNo) list.splice(at, 1);
      }
    },
    /** The postings of each bigram of `term`, shortest first. */
    lists(term: string): readonly (readonly number[])[] {
      return bigrams(term).map((gram) => lists.get(gram) ?? []).sort((a, b) => a.length - b.length);
    },
  };
}

/**
 * Narrows ascending `result` with posting lists (shortest first) while that is cheaper than checking the remaining
 * resources one by one; `complete` tells whether every list was applied (the caller must check the term otherwise).
 */
export function narrow(result: readonly number[], lists: readonly (readonly number[])[]): { result: readonly number[]; complete: boolean } {
  let narrowed = result;
  for (const list of lists) {
    if (narrowed.length === 0) return { result: narrowed, complete: true };
    if (list.length > NARROW_RATIO * narrowed.length) return { result: narrowed, complete: false };
    narrowed = intersect(narrowed, list);
  }
  return { result: narrowed, complete: true };
}

export function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (const value of a) {
    while (j < b.length && (b[j] as number) < value) j++;
    if (b[j] === value) out.push(value);
  }
  return out;
}

/** A term of exactly two characters is one bigram: its postings are exactly the resources containing it. */
export const isExact = (term: string) => Array.from(term).length === 2;
export const isShort = (term: string) => Array.from(term).length < 2;
