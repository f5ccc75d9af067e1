/**
 * The connector contract. A connector type is a *definition* registered once; the runtime (gateway/pipeline)
 * creates a *task* per configured connector and drives it. Connectors never import kafkajs, node-cron or the
 * gateway's database: they read their source and yield records with their source position, and the runtime owns
 * scheduling, retries, mapping, validation, encoding, producing and offsets.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One record read from a source, before mapping. */
export interface SourceRecord {
  /** Opaque name of the source partition (a table, a file, an endpoint); offsets are tracked per partition. */
  partition: string;
  /**
   * Opaque position of this record within its partition. After the broker acknowledged every record up to this one,
   * the runtime stores it, and a restarted task receives it in `context.offsets` to resume after it.
   */
  offset: JsonValue;
  /** Source fields, named as in the source system. */
  value: Record<string, unknown>;
  /** When the source says the record changed (ms since epoch); the runtime uses read time when absent. */
  timestamp?: number;
}

/** Everything a task may reach outside its own source. */
export interface ConnectorContext {
  log: ConnectorLogger;
  /** The last committed offset per partition (empty on the first run). */
  offsets: ReadonlyMap<string, JsonValue>;
  /** Aborted when the run must stop (pause, shutdown, lease lost); a pending read must end promptly. */
  signal: AbortSignal;
  /** Preferred records per batch; a task may yield smaller batches. */
  batchSize: number;
  /**
   * Resolves a host a connection is about to reach and checks the address and port against the operator's
   * allow-list (and, for a database, the login against the gateway's own server); rejects with an error saying the
   * target is refused, never what the name resolved to. Connect to the returned address (not the name), so a name
   * that later resolves elsewhere cannot slip through.
   */
  resolveHost(host: string, target: ConnectionTarget): Promise<string>;
  /**
   * Resolves a folder on the gateway host (every link followed) and checks it lies in the connector's department's
   * folder of the operator's drop root. Work in the returned real path, never in the configured one; call again at
   * the start of each run, since the folder may have been swapped for a link since registration. Throws an Error
   * saying why a folder is refused.
   */
  resolveFolder(path: string): Promise<string>;
}

/** What a connection does once it reached the host. */
export interface ConnectionTarget {
  port: number;
  protocol: 'postgres' | 'mysql' | 'http' | 'https';
  /** Databases: the database and user the connection logs in to. */
  database?: string;
  user?: string;
}

export interface ConnectorLogger {
  debug(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export interface CheckResult {
  ok: boolean;
  /** What was checked, or why it failed, in words an engineer of the department understands. */
  message: string;
}

/**
 * A running connector. `check` and `read` may be called after construction in any order; `close` is idempotent,
 * may be called while a `read` is pending, and makes that read finish.
 */
export interface ConnectorTask {
  /** Tests connectivity and access without reading records ("test connection"). */
  check(): Promise<CheckResult>;
  /**
   * Yields batches of records after the stored offsets, in offset order within each partition, until the source
   * has nothing more for now; one run of a pull connector is one full iteration. Yield a fresh, mutable array for
   * each batch: it is the runtime's, which empties it once it has taken the records for publishing, so a connector
   * must not read it again.
   */
  read(): AsyncIterable<SourceRecord[]>;
  close(): Promise<void>;
}

export interface ConfigProblem {
  path: string;
  message: string;
}

export interface ConnectorExample {
  summary: string;
  config: Record<string, unknown>;
}

interface DefinitionBase<Config> {
  /** Unique, kebab-case: `sql-pull`, `http-push`. */
  type: string;
  summary: string;
  description: string;
  /**
   * JSON Schema of the type's config: `additionalProperties: false`, every property with a `description`;
   * secrets carry `"x-secret": true` so they are never returned by the API nor logged; folders on the gateway host
   * carry `"x-directory": true` so the gateway keeps them inside the department's folder of the drop root.
   */
  configSchema: Record<string, unknown>;
  examples: ConnectorExample[];
  /** Cross-field checks the schema cannot express; each problem names its field. */
  validate?(config: Config): ConfigProblem[];
  /**
   * What the config's secrets are sent to, as one string (for a database: driver, host, port, user, database; for
   * HTTP: the origin of the URL). An update that sends a secret back as the placeholder keeps the stored secret
   * only while this is unchanged; otherwise it must carry the secret anew, so nobody allowed to edit a connector
   * can point it at a server of theirs and receive the stored secret. Required for a type with `x-secret` fields;
   * write defaults out (a port left out and the default port are the same target).
   */
  secretTarget?(config: Config): string;
  /** Phantom field carrying the config type; never set. */
  readonly configType?: Config;
}

export interface PullConnectorDefinition<Config = Record<string, unknown>> extends DefinitionBase<Config> {
  kind: 'pull';
  create(config: Config, context: ConnectorContext): ConnectorTask;
}

/** Push connectors have no task: departments send records to the gateway's ingest route. */
export interface PushConnectorDefinition<Config = Record<string, unknown>> extends DefinitionBase<Config> {
  kind: 'push';
}

export type ConnectorDefinition<Config = Record<string, unknown>> = PullConnectorDefinition<Config> | PushConnectorDefinition<Config>;
