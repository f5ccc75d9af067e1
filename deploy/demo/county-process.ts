import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { loadConfig } from '../../gateway/config.ts';
import { createLogger } from '../../gateway/logger.ts';
import { startGateway } from '../../gateway/start.ts';
import { COUNTY } from './county.ts';

// The county gateway of `npm run demo -- --county`, in a process of its own (started by county.ts): its embedded
// database then starts on the other core while the city's does, instead of after it on the same thread.
const countyDir = process.env.DEMO_COUNTY_DIR as string;
mkdirSync(countyDir, { recursive: true });
const tokenFile = join(countyDir, 'demo-admin-token');
const adminKey = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : generateApiKey();
writeFileSync(tokenFile, adminKey, { mode: 0o600 });
const { DATABASE_URL: _ignored, ...env } = process.env;
const config = loadConfig({
  ...env,
  DX_ALLOWED_HOSTS: '127.0.0.0/8,::1',
  DATA_DIR: countyDir,
  DX_ADMIN_TOKEN: adminKey,
  DX_INSTANCE_ID: COUNTY.instanceId,
  DX_INSTANCE_NAME: COUNTY.name,
  DX_FEDERATION_HARVEST_INTERVAL_MS: '30000',
});
const log = createLogger(config.LOG_LEVEL).child({ gateway: 'county' });
const county = await startGateway(config, log);
process.send?.({ url: county.url.replace('0.0.0.0', '127.0.0.1'), adminKey });
// The city's process going away ends this one too.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
