import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { encodeCursor, type Positions } from '../../subscriptions/cursor.ts';
import { projectionFor, toDelivered } from '../../subscriptions/delivered-record.ts';
import { auditDelivery, deliverableContext, type ReadyContext } from '../../subscriptions/delivery.ts';
import { effectiveStatus } from '../../subscriptions/model.ts';
import { follow, type Follower } from '../../kafka/topic-reader.ts';

/** How often an open stream checks that its subscription is still active. */
const CHECK_MS = 2000;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
/** What a client refused for too many open streams is told to wait: streams are long, so not less. */
const STREAM_RETRY_AFTER_S = 30;

/** Refuses with 429 a stream past the principal's or the instance's cap; each open stream holds a Kafka consumer. */
function refuseOverCap(app: FastifyInstance, reply: FastifyReply, principalId: string): void {
  const { streams, streamLimits } = app.subscriptions;
  let mine = 0;
  for (const stream of streams) if (stream.principalId === principalId) mine++;
  const over =
    mine >= streamLimits.perPrincipal ? `this principal already has ${mine} open streams (at most ${streamLimits.perPrincipal})`
    : streams.size >= streamLimits.perInstance ? `this instance already serves ${streams.size} streams (at most ${streamLimits.perInstance})`
    : undefined;
  if (over === undefined) return;
  reply.header('retry-after', String(STREAM_RETRY_AFTER_S));
  throw dxError('DX_ERR_RATE_LIMITED', { message: `Too many open streams: ${over}; close one or retry in ${STREAM_RETRY_AFTER_S} s`, retriable: true });
}

/**
 * Serves a server-sent event stream of an http subscription: `event: record` per record (`id:` its cursor, `data:`
 * the delivered record), comments to keep the connection alive, and `event: end` with the reason when the
 * subscription stops (revoked, expired) or the gateway shuts down. A client reconnects with Last-Event-ID.
 */
export async function openStream(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, context: ReadyContext, from: Positions): Promise<void> {
  const principal = request.principal as Principal;
  // Checked and registered without an await between, so concurrent requests cannot all pass the cap.
  refuseOverCap(app, reply, principal.id);
  const { store, secrets, reader, clock, decode, streams } = app.subscriptions;
  const deps = { db: app.db, store, audit: app.audit, clock };
  const subscriptionId = context.subscription.id;
  const topic = context.resource.topic;
  const raw = reply.raw;
  let follower: Follower | undefined;
  let closed = false;
  let lastWrite = Date.now();
  let ticker: NodeJS.Timeout | undefined;

  const write = async (text: string) => {
    lastWrite = Date.now();
    if (!raw.write(text)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  };

  async function end(reason: string): Promise<void> {
    if (closed) return;
    closed = true;
    clearInterval(ticker);
    streams.delete(handle);
    if (!raw.destroyed) raw.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    await follower?.close().catch(() => undefined);
  }
  const handle = { principalId: principal.id, close: () => end('the gateway is shutting down') };

  async function stillActive(): Promise<ReadyContext | undefined> {
    const current = await deliverableContext(deps, subscriptionId, 'http', topic);
    if (!current) {
      const subscription = await store.get(subscriptionId);
      await end(subscription ? `the subscription is ${effectiveStatus(subscription, clock())}` : 'the subscription is gone');
    }
    return current;
  }

  reply.hijack();
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  raw.write(': dx-gateway subscription stream\n\n');
  streams.add(handle);
  // The response closes before it ends only when the connection goes.
  raw.on('close', () => void end('the client went away'));
  ticker = setInterval(() => {
    void stillActive()
      .then(() => (!closed && Date.now() - lastWrite >= KEEP_ALIVE_MS ? write(': keep-alive\n\n') : undefined))
      .catch((err: unknown) => request.log.warn({ err, subscription: subscriptionId }, 'stream check failed'));
  }, CHECK_MS);

  try {
    follower = await follow(reader, topic, from, async (partition, messages, before) => {
      const current = closed ? undefined : await stillActive();
      if (!current) return;
      const projection = projectionFor(current, secrets);
      const positions = { ...before };
      const events: string[] = [];
      for (const message of messages) {
        positions[String(partition)] = (BigInt(message.offset) + 1n).toString();
        const record = await toDelivered(message, partition, projection, decode);
        if (record) events.push(`id: ${encodeCursor(topic, positions)}\nevent: record\ndata: ${JSON.stringify(record)}\n\n`);
      }
      const fromOffset = (messages[0] as { offset: string }).offset;
      const toOffset = (messages.at(-1) as { offset: string }).offset;
      // Audited before the first record leaves: an append that fails ends the stream instead of delivering unaudited.
      try {
        await auditDelivery(deps, principal, subscriptionId, { mode: 'http', transport: 'sse', records: events.length, skipped: messages.length - events.length, partition, fromOffset, toOffset });
      } catch (err) {
        request.log.error({ err, subscription: subscriptionId }, 'stream delivery could not be audited');
        // Not awaited: closing the follower waits for this handler to return.
        void end('the delivery could not be audited; reconnect with Last-Event-ID');
        return;
      }
      for (const event of events) {
        if (closed) break;
        await write(event);
      }
    });
    if (closed) await follower.close().catch(() => undefined);
  } catch (err) {
    request.log.error({ err, subscription: subscriptionId }, 'subscription stream failed');
    await end('the stream failed; reconnect with Last-Event-ID');
  }
}
