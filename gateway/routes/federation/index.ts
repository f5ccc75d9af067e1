import type { FastifyPluginAsync } from 'fastify';
import harvestedRoutes from './harvested.ts';
import peerRoutes from './peers.ts';
import federationProtocol from './protocol.ts';
import requestQueryRoutes from './request-queries.ts';
import requestRecordRoutes from './request-records.ts';
import requestRoutes from './requests.ts';

/** Federation: the office's peers and shares, harvested resources, and the signed routes peers call. */
const federationRoutes: FastifyPluginAsync = async (app) => {
  await app.register(peerRoutes);
  await app.register(harvestedRoutes);
  await app.register(requestRoutes);
  await app.register(requestRecordRoutes);
  await app.register(requestQueryRoutes);
  await app.register(federationProtocol);
};

export default federationRoutes;
