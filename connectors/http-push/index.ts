import { Type, type Static } from '@sinclair/typebox';
import type { PushConnectorDefinition } from '../types.ts';

const HTTP_PUSH_CONFIG = Type.Object(
  {
    maxRecordsPerRequest: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 5000, description: 'Most records one request may carry' })),
  },
  { additionalProperties: false },
);

export type HttpPushConfig = Static<typeof HTTP_PUSH_CONFIG>;

export const httpPush: PushConnectorDefinition<HttpPushConfig> = {
  type: 'http-push',
  kind: 'push',
  summary: 'The department sends records to the gateway: POST /api/v1/ingest/{connectorId}.',
  description:
    'The body is a JSON array of records, or NDJSON (Content-Type: application/x-ndjson), one record per line. ' +
    'The answer, 202 with a result per record, comes only after Kafka acknowledged the accepted records; if Kafka is ' +
    'unavailable the answer is 503 and nothing is committed, so the request can be sent again. With an ' +
    'Idempotency-Key header, a request sent again with the same key and body is answered from the first answer ' +
    'without publishing twice. Only the owning department\'s keys may push.',
  configSchema: HTTP_PUSH_CONFIG,
  examples: [{ summary: 'Pushes of at most 1,000 records', config: { maxRecordsPerRequest: 1000 } }],
};
