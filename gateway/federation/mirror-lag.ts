import { Gauge, type Registry } from 'prom-client';
import type { TopicEndOffset } from '../kafka/topic-end-offsets.ts';
import { mirroredTopic } from './mirrored-topic.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';

/**
 * dx_federation_mirror_lag_records{peer, request}: for each active cross-gateway request, the records the owner's
 * projected topic had at its last report (fetched on every tick and read) that have not reached the mirrored topic
 * in this cluster yet. Read at scrape time from this cluster's end offsets.
 */
export function registerMirrorLag(registry: Registry, outgoing: OutgoingRequests, localEndOffset: TopicEndOffset): void {
  new Gauge({
    name: 'dx_federation_mirror_lag_records',
    help: "Records of a peer's projected topic, as the peer last reported them, not yet mirrored into this cluster",
    labelNames: ['peer', 'request'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [requestId, ownerEnd] of outgoing.ownerEndOffsets) {
        const request = await outgoing.get(requestId);
        if (!request || request.topic === null) continue;
        const local = await localEndOffset(mirroredTopic(request.peer.instanceId, request.topic)).catch(() => null);
        this.set({ peer: request.peer.instanceId, request: requestId }, Math.max(0, ownerEnd - (local ?? 0)));
      }
    },
  });
}
