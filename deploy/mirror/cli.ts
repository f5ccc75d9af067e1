import { pino } from 'pino';
import { readMirrorPlan } from './plan.ts';
import { MirrorSettingsError, readMirrorSettings } from './settings.ts';
import { createMirrorSupervisor } from './supervisor.ts';

// npm run mirror: the owner's MirrorMaker 2, supervised and kept in step with its gateway's mirror plan.
const log = pino({ name: 'mirror' });
let settings;
try {
  settings = readMirrorSettings(process.env);
} catch (err) {
  if (!(err instanceof MirrorSettingsError)) throw err;
  log.fatal(err.message);
  process.exit(2);
}
const { gatewayUrl, apiKey, clusters, dir, pollMs, heap } = settings;
const supervisor = createMirrorSupervisor({ plan: () => readMirrorPlan({ gatewayUrl, apiKey, clusters }), dir, intervalMs: pollMs, heap, log });
supervisor.start();
log.info({ gateway: gatewayUrl, clusters: Object.keys(clusters), dir, pollMs }, 'mirror supervisor started');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'mirror supervisor stopping');
    void supervisor.stop().then(() => process.exit(0));
  });
}
