import type { Consumer, ConsumerRunConfig } from 'kafkajs';

/** A consumer the gateway runs until it is stopped or it crashes. */
export interface RunningConsumer {
  /** Settles when the consumer has stopped, by `stop()` or a crash kafkajs does not restart it from. */
  readonly done: Promise<void>;
  /** Disconnects (after the batch in hand); idempotent. */
  stop(): Promise<void>;
}

/**
 * Connects `consumer`, subscribes it to `topic` from the earliest record and runs it. A crash kafkajs restarts from
 * is left to kafkajs; one it does not is reported to `onCrash` and stops the consumer. A failure while starting
 * disconnects it and rejects. `run` builds the run configuration, given `stop` for a handler that ends the consumer;
 * `onStop` runs first when it stops, to abort work in hand.
 */
export async function runConsumer(
  consumer: Consumer,
  options: { topic: string; run(stop: () => Promise<void>): ConsumerRunConfig; onCrash(error: unknown): void; onStop?(): void },
): Promise<RunningConsumer> {
  let stopping: Promise<void> | undefined;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const stop = (): Promise<void> => {
    options.onStop?.();
    stopping ??= consumer.disconnect().catch(() => undefined).then(settle);
    return stopping;
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    options.onCrash(payload.error);
    void stop();
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run(options.run(stop));
  } catch (err) {
    await stop();
    throw err;
  }
  return { done, stop };
}
