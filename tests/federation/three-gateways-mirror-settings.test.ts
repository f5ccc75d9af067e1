import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readMirrorSettings } from '../../deploy/mirror/settings.ts';

// The settings of the mirror supervisor that tests/federation/three-gateways.test.ts runs: each bad one is named.
const dir = mkdtempSync(join(tmpdir(), 'dx-mirror-settings-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const clusters = file('clusters.json', JSON.stringify({ '330110': { bootstrapServers: ['127.0.0.1:9092'] }, '330100': { bootstrapServers: ['kafka.city:9094'], properties: { 'security.protocol': 'SASL_SSL' } } }));
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readMirrorSettings(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the settings were accepted');
}
const env = { DX_MIRROR_GATEWAY_URL: 'http://127.0.0.1:8080', DX_MIRROR_API_KEY: 'office-key', DX_MIRROR_CLUSTERS_FILE: clusters };

t.test('valid settings are read with their defaults', async (t) => {
  t.match(readMirrorSettings(env), { gatewayUrl: 'http://127.0.0.1:8080', apiKey: 'office-key', pollMs: 10_000, dir: '.data/mirror', heap: '256m', clusters: { '330100': { properties: { 'security.protocol': 'SASL_SSL' } } } });
});

t.test('the API key is read from a file', async (t) => {
  const { DX_MIRROR_API_KEY: _, ...rest } = env;
  t.equal(readMirrorSettings({ ...rest, DX_MIRROR_API_KEY_FILE: file('key', 'from-a-file\n') }).apiKey, 'from-a-file');
});

t.test('a key both inline and from a file, or neither, is refused', async (t) => {
  t.throws(() => readMirrorSettings({ ...env, DX_MIRROR_API_KEY_FILE: file('key2', 'x') }), /exactly one of DX_MIRROR_API_KEY and DX_MIRROR_API_KEY_FILE/);
  const { DX_MIRROR_API_KEY: _, ...rest } = env;
  t.throws(() => readMirrorSettings(rest), /exactly one of DX_MIRROR_API_KEY and DX_MIRROR_API_KEY_FILE/);
});

t.test('every missing or bad variable is named at once', async (t) => {
  const message = refusal({ DX_MIRROR_POLL_MS: '10' });
  for (const name of ['DX_MIRROR_GATEWAY_URL', 'DX_MIRROR_CLUSTERS_FILE', 'DX_MIRROR_POLL_MS']) t.match(message, name);
});

t.test('a clusters file with a bad alias or bootstrap server names the entry', async (t) => {
  const bad = file('bad.json', JSON.stringify({ city: { bootstrapServers: ['127.0.0.1:9092'] }, '330100': { bootstrapServers: ['no-port'] } }));
  const message = refusal({ ...env, DX_MIRROR_CLUSTERS_FILE: bad });
  t.match(message, /city/, 'the alias that is no instance id');
  t.match(message, '/330100/bootstrapServers/0', 'the bootstrap server without a port');
  t.throws(() => readMirrorSettings({ ...env, DX_MIRROR_CLUSTERS_FILE: file('not.json', '{') }), /DX_MIRROR_CLUSTERS_FILE .* is no readable JSON/);
});
