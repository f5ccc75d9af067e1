import type { Logger } from 'pino';
import type { TopicKeys, TopicPositions } from '../kafka/topic-keys.ts';
import type { DisputeService } from './service.ts';
import type { DisputeStore } from './store.ts';

/** Records read per topic and pass: a topic with more new records is read on by the next passes. */
const PAGE = 2000;

const later = (a: string, b: string) => (BigInt(a) >= BigInt(b) ? a : b);
const earlier = (a: string, b: string) => (BigInt(a) <= BigInt(b) ? a : b);

type Waiting = Awaited<ReturnType<DisputeStore['awaitingCorrection']>>[number];

/**
 * One pass of the correction finder: for each resource topic with confirmed disputes awaiting their correction,
 * reads the records after the earliest position those disputes stand at and links each dispute to the first record
 * with its business key at or after its own position (records are keyed by business id, so the corrected version
 * carries the same key). Idempotent: instances running passes at once link each dispute once.
 */
export async function findCorrections(deps: { store: DisputeStore; service: DisputeService; topics: TopicKeys; log: Logger }): Promise<number> {
  const waiting = await deps.store.awaitingCorrection();
  const byTopic = new Map<string, Waiting[]>();
  for (const dispute of waiting) byTopic.set(dispute.topic, [...(byTopic.get(dispute.topic) ?? []), dispute]);
  let linked = 0;
  for (const [topic, disputes] of byTopic) {
    const from: TopicPositions = {};
    for (const dispute of disputes) {
      for (const [partition, offset] of Object.entries(dispute.from)) from[partition] = earlier(offset, from[partition] ?? offset);
    }
    const { records, positions } = await deps.topics.keysAfter(topic, from, PAGE);
    const open = new Map(disputes.map((dispute) => [dispute.id, dispute]));
    for (const record of records) {
      if (record.key === null) continue;
      const digest = deps.service.digest(record.key);
      for (const dispute of open.values()) {
        const start = dispute.from[String(record.partition)] ?? '0';
        if (dispute.digest !== digest || BigInt(record.offset) < BigInt(start)) continue;
        if (await deps.service.linkCorrection(dispute.id, { topic, partition: record.partition, offset: record.offset })) linked++;
        open.delete(dispute.id);
      }
    }
    for (const dispute of open.values()) {
      const advanced = Object.fromEntries(Object.entries({ ...dispute.from, ...positions }).map(([partition, offset]) => [partition, later(offset, dispute.from[partition] ?? '0')]));
      await deps.store.advanceCorrectionFrom(dispute.id, advanced);
    }
  }
  if (linked > 0) deps.log.info({ linked }, 'confirmed disputes linked to their corrected records');
  return linked;
}
