import { measureCeiling } from './bench/ceiling.ts';
const r = await measureCeiling(['127.0.0.1:9092'], 'prof-ceiling-' + Date.now(), { client: 'patched', records: 1000000, batchSize: 500, valueBytes: 110, inFlight: 2, partitions: 3, withHeaders: process.env.H === '1' });
console.log(r);
