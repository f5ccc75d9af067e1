import { randomUUID } from 'node:crypto';
import type { SourceRecord } from '../../connectors/types.ts';
import { dxError } from '../errors.ts';
import type { Db } from '../plugins/db.ts';
import { recordOutcomes, type PublishedBatch, type RejectedRecord } from './batch.ts';
import type { Connector, ConnectorStore } from './connector-store.ts';
import type { IngestRequests, UncommittedPush } from './ingest-requests.ts';
import type { ConnectorRuntime } from './runtime.ts';

export interface PushAnswer {
  requestId: string;
  accepted: number;
  rejected: number;
  results: ({ index: number; status: 'published'; key: string } | { index: number; status: 'rejected'; errors: RejectedRecord['errors'] })[];
}

function answerOf(requestId: string, published: PublishedBatch): PushAnswer {
  return {
    requestId,
    accepted: published.published,
    rejected: published.rejected.length,
    results: recordOutcomes(published).map((outcome, index) => (outcome.status === 'published' ? { index, status: outcome.status, key: outcome.key } : { index, status: outcome.status, errors: outcome.errors })),
  };
}

/**
 * A push to an http-push connector: publish, then commit (counts and quarantine). With an Idempotency-Key the key
 * covers everything the request publishes, its dead letters too: the commit and the stored answer are one
 * transaction, and a push whose commit failed after Kafka acknowledged it is parked, so that the retry commits it
 * and answers without publishing again. `replayed` tells that this request published nothing itself.
 */
export function createPush(deps: { db: Db; store: ConnectorStore; runtime: ConnectorRuntime; requests: IngestRequests }) {
  const { db, store, runtime, requests } = deps;

  /** Commits the batch and stores the answer in one transaction, unless another request did first. */
  async function commitAnswered(connectorId: string, key: string, push: UncommittedPush, expected: string | null): Promise<void> {
    await db.transaction(async (client) => {
      if (await requests.complete(connectorId, key, push.answer, client, expected)) await store.commitBatch(connectorId, null, { ...push.batch, offsets: new Map() }, client);
    });
  }

  return async function push(connector: Connector, body: Record<string, unknown>[], key: string | undefined): Promise<{ answer: PushAnswer; replayed: boolean }> {
    if (key !== undefined) {
      const claim = await requests.claim(connector.id, key, requests.hash(JSON.stringify(body)));
      if (claim.kind === 'conflict') throw dxError('DX_ERR_IDEMPOTENCY_CONFLICT', { message: claim.reason });
      if (claim.kind === 'replay') return { answer: claim.response as PushAnswer, replayed: true };
      if (claim.kind === 'uncommitted') {
        await commitAnswered(connector.id, key, claim.push, claim.stored);
        return { answer: claim.push.answer as PushAnswer, replayed: true };
      }
    }
    const requestId = key ?? randomUUID();
    const records: SourceRecord[] = body.map((value, index) => ({ partition: 'push', offset: { request: requestId, index }, value }));
    let published: PublishedBatch;
    try {
      published = await runtime.ingest(connector, records);
    } catch (err) {
      if (key !== undefined) await requests.abandon(connector.id, key).catch(() => undefined);
      throw err;
    }
    const answer = answerOf(requestId, published);
    if (key === undefined) {
      await store.commitBatch(connector.id, null, { ...published, offsets: new Map() });
      return { answer, replayed: false };
    }
    const pending: UncommittedPush = { answer, batch: { read: published.read, published: published.published, rejected: published.rejected, warned: published.warned ?? [] } };
    try {
      await commitAnswered(connector.id, key, pending, null);
    } catch (err) {
      // Kafka has the records: parked, the retry commits them; only if even that fails is the key let go (and a
      // retry publishes again, with the same message ids).
      await requests.park(connector.id, key, pending).catch(() => requests.abandon(connector.id, key).catch(() => undefined));
      throw err;
    }
    return { answer, replayed: false };
  };
}

export type Push = ReturnType<typeof createPush>;
