import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { isRetriableKafkaError } from '../kafka/errors.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'PROTOCOL_CONNECTION_LOST']);

/** Transient faults worth another attempt; configuration and programming errors are not. */
export function isRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { retriable, code } = error as Error & { retriable?: unknown; code?: unknown };
  if (retriable === true) return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (isRetriableKafkaError(error)) return true;
  if (error.cause !== undefined && error.cause !== error && isRetriable(error.cause)) return true;
  return isDatabaseUnavailable(error);
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  attempts: number;
}

/** Exponential backoff with full jitter, as kafkajs does it. */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Runs `work` until it succeeds, fails with a non-retriable error, runs out of attempts or `signal` aborts. */
export async function withRetries<T>(work: (attempt: number) => Promise<T>, options: BackoffOptions, signal: AbortSignal, onRetry: (error: unknown, attempt: number, delayMs: number) => void): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await work(attempt), attempts: attempt };
    } catch (error) {
      if (signal.aborted || attempt >= options.attempts || !isRetriable(error)) throw Object.assign(error as object, { attempts: attempt });
      const delayMs = backoffDelay(attempt, options);
      onRetry(error, attempt, delayMs);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw Object.assign(error as object, { attempts: attempt });
    }
  }
}
