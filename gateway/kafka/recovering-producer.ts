import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';

// Errors after which the broker refuses this producer id's sequence on a partition until the producer starts anew.
const DESYNCED = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** The broker and the idempotent producer disagree on a partition's sequence numbers (kafkajs wraps the protocol error). */
export function isSequenceDesync(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    if (DESYNCED.has((cause as { type?: string }).type ?? '')) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

type Listen = Parameters<Producer['on']>;

/**
 * The shared idempotent producer, replaced by a new one (a new producer id, sequences from zero) when the broker
 * refuses a send for its sequence numbers. kafkajs rolls a partition's sequence back when a request fails, also when
 * the broker had written the batch before it died; every later send to that partition is then refused for good
 * (kafkajs#598): after a broker crash, pushes answered 503 and projections stalled until the gateway restarted.
 * The refused send still fails: its caller retries the batch, and message ids let consumers drop what repeats.
 */
export function createRecoveringProducer(create: () => Producer, log: Logger): Producer {
  const listeners: Listen[] = [];
  const attach = (producer: Producer) => listeners.map(([event, listener]) => producer.on(event as never, listener as never));
  let current = create();
  let detach: (() => void)[] = [];
  let connected = false;
  let replacing: Promise<void> | undefined;

  async function replace(reason: unknown): Promise<void> {
    const fresh = create();
    const freshDetach = attach(fresh);
    await fresh.connect();
    const old = current;
    // The old producer's listeners go before it disconnects, so its DISCONNECT does not read as the new one's.
    for (const remove of detach) remove();
    [current, detach] = [fresh, freshDetach];
    log.warn({ err: reason }, 'Kafka producer replaced: the broker refused its sequence numbers');
    await old.disconnect().catch(() => undefined);
  }

  function guarded<K extends 'send' | 'sendBatch'>(name: K): Producer[K] {
    return (async (request: never) => {
      const used = current;
      try {
        return await (used[name] as (request: never) => Promise<unknown>)(request);
      } catch (err) {
        if (connected && used === current && isSequenceDesync(err)) {
          replacing ??= replace(err).finally(() => {
            replacing = undefined;
          });
          await replacing.catch((replaceError: unknown) => log.error({ err: replaceError }, 'Kafka producer could not be replaced; the next refused send tries again'));
        }
        throw err;
      }
    }) as Producer[K];
  }

  const own: Partial<Producer> = {
    send: guarded('send'),
    sendBatch: guarded('sendBatch'),
    async connect() {
      await current.connect();
      connected = true;
    },
    async disconnect() {
      connected = false;
      await replacing?.catch(() => undefined);
      await current.disconnect();
    },
    on(event, listener) {
      listeners.push([event, listener] as Listen);
      const remove = current.on(event, listener);
      detach.push(remove);
      return remove;
    },
  };
  return new Proxy(own as Producer, {
    get: (target, property: keyof Producer) => (property in target ? target[property] : current[property]),
  });
}
