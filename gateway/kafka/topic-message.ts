/** One record as read from a topic (the shape kafkajs reads; a structural copy, so readers need no client types). */
export interface TopicMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
  /** The offset, as a decimal string (offsets exceed Number's safe range). */
  offset: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}
