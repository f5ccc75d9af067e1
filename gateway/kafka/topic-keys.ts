import type { KafkaService } from '../plugins/kafka.ts';
import { readPage } from './topic-reader.ts';

/** Next offset to read per partition, as decimal text. */
export type TopicPositions = Record<string, string>;

export interface KeyedRecord {
  partition: number;
  offset: string;
  key: string | null;
}

/** What the disputes module reads of a resource topic: where it ends, and the keys of the records after a position. */
export interface TopicKeys {
  /** The next offset of every partition: a record written later is at or after it (none before the topic exists). */
  ends(topic: string): Promise<TopicPositions>;
  /** Up to `limit` records after `from` (partitions not named: from the earliest), and where the next read starts. */
  keysAfter(topic: string, from: TopicPositions, limit: number): Promise<{ records: KeyedRecord[]; positions: TopicPositions }>;
}

export function createTopicKeys(kafka: KafkaService): TopicKeys {
  const deps = { kafka: kafka.client, admin: kafka.admin };
  // A resource's topic is created with its first record; before that, it has no records and ends nowhere.
  const exists = async (topic: string) => (await kafka.admin.listTopics()).includes(topic);
  return {
    async ends(topic) {
      if (!(await exists(topic))) return {};
      return Object.fromEntries((await kafka.admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [String(partition), high]));
    },
    async keysAfter(topic, from, limit) {
      if (!(await exists(topic))) return { records: [], positions: from };
      const page = await readPage(deps, topic, from, { limit, maxWaitMs: 2000 });
      const records = page.batches.flatMap(({ partition, messages }) =>
        messages.map((message) => ({ partition, offset: message.offset, key: message.key === null ? null : message.key.toString('utf8') })),
      );
      return { records, positions: page.positions };
    },
  };
}
