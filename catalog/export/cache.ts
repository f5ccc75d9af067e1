/** Exports kept at once, across formats, filters and base addresses. */
const MAX_ENTRIES = 32;

/**
 * Built exports, reused while the catalogue revision they were built at is the current one: an export is a pure
 * function of the catalogue's resources, and rebuilding it per request let one caller keep the event loop busy.
 * Concurrent requests for one export share one build; a failed build is not kept.
 */
export function createExportCache<T>(currentRevision: () => Promise<string>) {
  const entries = new Map<string, { revision: string; value: Promise<T> }>();

  return {
    async get(key: string, build: () => Promise<T>): Promise<T> {
      const revision = await currentRevision();
      const cached = entries.get(key);
      if (cached && cached.revision === revision) return cached.value;
      const value = build();
      entries.delete(key);
      entries.set(key, { revision, value });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
  };
}
