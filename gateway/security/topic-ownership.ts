import type { Db } from '../plugins/db.ts';
import { reservedTopicReason } from './reserved-topics.ts';

/** Why a department may not publish onto a topic, in words its engineer understands. */
export interface TopicProblem {
  code: 'reserved' | 'no-resource' | 'not-provider';
  message: string;
}

export interface ConnectorOnTopic {
  id: string;
  departmentCode: string;
  topic: string;
}

interface TopicRow {
  topic: string;
  department_code: string;
  resource_code: string | null;
  provider_code: string | null;
  allowed: boolean;
}

type Queryable = Pick<Db, 'query'>;

/**
 * One data item, one source (一数一源): a department publishes only onto the topic of a catalogue resource it
 * provides, or one the data office assigned to it as an additional publisher (`catalog_resource_publishers`).
 * The rule is read from the catalogue each time, so a resource whose topic or provider changes moves its publishers
 * with it.
 */
export function createTopicOwnership(db: Db) {
  /** The catalogue's answer for each (department, topic) pair, in one query. */
  async function lookUp(pairs: readonly { departmentCode: string; topic: string }[], client: Queryable = db): Promise<Map<string, TopicRow>> {
    if (pairs.length === 0) return new Map();
    const { rows } = await client.query<TopicRow>(
      `SELECT p.topic, p.department_code, r.code AS resource_code, r.provider_code,
              COALESCE(r.provider_code = p.department_code
                OR EXISTS (SELECT 1 FROM catalog_resource_publishers g WHERE g.resource_id = r.id AND g.department_code = p.department_code), false) AS allowed
         FROM unnest($1::text[], $2::text[]) AS p(department_code, topic)
         LEFT JOIN catalog_resources r ON r.topic = p.topic`,
      [pairs.map((pair) => pair.departmentCode), pairs.map((pair) => pair.topic)],
    );
    return new Map(rows.map((row) => [`${row.department_code}\u0000${row.topic}`, row]));
  }

  function problemOf(topic: string, row: TopicRow | undefined): TopicProblem | undefined {
    const reserved = reservedTopicReason(topic);
    if (reserved !== undefined) return { code: 'reserved', message: `${topic} is reserved: ${reserved}` };
    if (row === undefined || row.resource_code === null) {
      return { code: 'no-resource', message: `${topic} is not the topic of any catalogue resource; the data office assigns topics to resources` };
    }
    if (!row.allowed) {
      return {
        code: 'not-provider',
        message: `${topic} is the topic of resource ${row.resource_code}, provided by ${row.provider_code}; a department publishes only onto its own resources (一数一源) unless the data office assigns it`,
      };
    }
    return undefined;
  }

  return {
    /** Why `departmentCode` may not publish onto `topic`; undefined when it may. */
    async problem(departmentCode: string, topic: string, client?: Queryable): Promise<TopicProblem | undefined> {
      const rows = await lookUp([{ departmentCode, topic }], client);
      return problemOf(topic, rows.get(`${departmentCode}\u0000${topic}`));
    },

    /** The problem of each connector breaking the rule (registered before it, or left so by a catalogue change). */
    async problemsOf(connectors: readonly ConnectorOnTopic[]): Promise<Map<string, TopicProblem>> {
      const rows = await lookUp(connectors);
      const problems = new Map<string, TopicProblem>();
      for (const connector of connectors) {
        const problem = problemOf(connector.topic, rows.get(`${connector.departmentCode}\u0000${connector.topic}`));
        if (problem !== undefined) problems.set(connector.id, problem);
      }
      return problems;
    },
  };
}

export type TopicOwnership = ReturnType<typeof createTopicOwnership>;

/**
 * SQL condition, true for a row of `connectors` that publishes onto a topic no resource gives its department: the
 * data office's list of connectors to move. (A reserved topic is never a resource's, so it is caught here too.)
 */
export const CONNECTOR_TOPIC_NOT_OWNED = `NOT EXISTS (
  SELECT 1 FROM catalog_resources r WHERE r.topic = connectors.topic AND (r.provider_code = connectors.department_code
    OR EXISTS (SELECT 1 FROM catalog_resource_publishers g WHERE g.resource_id = r.id AND g.department_code = connectors.department_code)))`;
