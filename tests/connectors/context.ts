import type { ConnectorContext, JsonValue } from '../../connectors/types.ts';

export interface TestContext extends ConnectorContext {
  abort(): void;
  logged: { level: string; message: string }[];
}

/** A connector context for tests: every host and folder allowed, log lines kept. */
export function createTestContext(options: { offsets?: Map<string, JsonValue>; batchSize?: number } = {}): TestContext {
  const controller = new AbortController();
  const logged: { level: string; message: string }[] = [];
  const logAt = (level: string) => (_object: Record<string, unknown>, message: string) => void logged.push({ level, message });
  return {
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    offsets: options.offsets ?? new Map(),
    signal: controller.signal,
    batchSize: options.batchSize ?? 100,
    resolveHost: async (host) => host,
    resolveFolder: async (path) => path,
    abort: () => controller.abort(),
    logged,
  };
}
