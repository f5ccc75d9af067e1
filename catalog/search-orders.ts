import type { SearchColumns } from './search-columns.ts';
import type { Doc } from './search-text.ts';

function insertSorted(order: number[], docNo: number, compare: (a: number, b: number) => number): void {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(order[mid] as number, docNo) < 0) low = mid + 1;
    else high = mid;
  }
  order.splice(low, 0, docNo);
}

/**
 * The sort orders of the catalogue search, kept presorted by resource number (ties broken by id), and the pages
 * cut from them: a page costs one walk of an order, skipping what the search did not select.
 */
export function createSearchOrders(docs: readonly Doc[], columns: Pick<SearchColumns, 'updatedMs' | 'selected' | 'matched'>, locale: string) {
  const collator = new Intl.Collator(locale);
  const byIdThen = (a: number, b: number) => {
    const x = (docs[a] as Doc).resource.id;
    const y = (docs[b] as Doc).resource.id;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const comparators = {
    name: (a: number, b: number) => collator.compare((docs[a] as Doc).resource.name, (docs[b] as Doc).resource.name) || byIdThen(a, b),
    publishDate: (a: number, b: number) => {
      const x = (docs[a] as Doc).resource.publishDate;
      const y = (docs[b] as Doc).resource.publishDate;
      return x < y ? -1 : x > y ? 1 : byIdThen(a, b);
    },
    updated: (a: number, b: number) => (columns.updatedMs[a] as number) - (columns.updatedMs[b] as number) || byIdThen(a, b),
  };
  type OrderKey = keyof typeof comparators;
  const ORDER_KEYS = Object.keys(comparators) as OrderKey[];
  const orders: Record<OrderKey, number[]> = { name: [], publishDate: [], updated: [] };

  return {
    /** Places a resource in every order (its columns and doc already set). */
    insert(docNo: number): void {
      for (const key of ORDER_KEYS) insertSorted(orders[key], docNo, comparators[key]);
    },
    /** Takes a resource out of every order, before its sort fields change. */
    remove(docNo: number): void {
      for (const key of ORDER_KEYS) orders[key].splice(orders[key].indexOf(docNo), 1);
    },
    rebuild(): void {
      for (const key of ORDER_KEYS) orders[key] = docs.map((_, docNo) => docNo).sort(comparators[key]);
    },

    /** A page of selected resources ordered by bucket (best first when desc), in name order within a bucket. */
    bucketPage(bucketOf: Uint8Array | Uint16Array, buckets: number, order: 'asc' | 'desc', total: number, offset: number, limit: number): number[] {
      const { selected, matched } = columns;
      const counts = new Float64Array(buckets);
      for (let i = 0; i < total; i++) {
        const bucket = bucketOf[matched[i] as number] as number;
        counts[bucket] = (counts[bucket] as number) + 1;
      }
      const start = new Float64Array(buckets);
      let position = 0;
      for (let step = 0; step < buckets; step++) {
        const bucket = order === 'desc' ? buckets - 1 - step : step;
        start[bucket] = position;
        position += counts[bucket] as number;
      }
      const size = Math.max(0, Math.min(limit, total - offset));
      const out = new Array<number>(size);
      let filled = 0;
      for (const docNo of orders.name) {
        if (filled === size) break;
        if (selected[docNo] === 0) continue;
        const bucket = bucketOf[docNo] as number;
        const at = start[bucket] as number;
        start[bucket] = at + 1;
        if (at >= offset && at < offset + size) {
          out[at - offset] = docNo;
          filled++;
        }
      }
      return out;
    },

    /** A page of selected resources in one sort order. */
    orderedPage(key: OrderKey, descending: boolean, offset: number, limit: number): number[] {
      const list = orders[key];
      const { selected } = columns;
      const out: number[] = [];
      let position = 0;
      for (let i = 0; i < list.length && out.length < limit; i++) {
        const docNo = list[descending ? list.length - 1 - i : i] as number;
        if (selected[docNo] === 0) continue;
        if (position++ >= offset) out.push(docNo);
      }
      return out;
    },
  };
}
