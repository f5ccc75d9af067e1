import type { Admin } from 'kafkajs';

/** The number of records a topic has ever held: the sum of its partitions' end offsets; null when it does not exist. */
export type TopicEndOffset = (topic: string) => Promise<number | null>;

export function createTopicEndOffset(admin: Admin): TopicEndOffset {
  return async (topic) => {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    } catch (err) {
      if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return null;
      throw err;
    }
  };
}
