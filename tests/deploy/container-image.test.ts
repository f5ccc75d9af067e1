import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import t from 'tap';
import { projectPath } from '../../project-root.ts';
import { buildTestApp } from '../helpers/app.ts';

const run = promisify(execFile);
const CONTAINERFILE = readFileSync(projectPath('deploy', 'container', 'Containerfile'), 'utf8');
const [buildStage = '', runtimeStage = ''] = CONTAINERFILE.split(/^FROM /m).slice(1);
const ENTRYPOINT = projectPath('deploy', 'container', 'entrypoint.sh');
const HEALTHCHECK = projectPath('deploy', 'container', 'healthcheck.mjs');

function instruction(stage: string, name: string): string[] {
  return [...stage.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((match) => match[1] ?? '');
}

async function entrypoint(env: Record<string, string>, ...command: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('/bin/sh', [ENTRYPOINT, ...command], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function secretFile(t: { teardown(fn: () => unknown): void }, contents: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dx-entrypoint-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'secret');
  await writeFile(file, contents);
  return file;
}

t.test('the image starts node with the flags of npm start', async (t) => {
  const start = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [cmd] = instruction(runtimeStage, 'CMD');
  t.same(JSON.parse(cmd ?? '[]'), start.split(' '));
});

t.test('the runtime stage runs as uid 10001 under tini, with a HEALTHCHECK on /healthz and /data as its only volume', async (t) => {
  t.same(instruction(runtimeStage, 'USER'), ['10001:10001']);
  t.same(JSON.parse(instruction(runtimeStage, 'ENTRYPOINT')[0] ?? '[]'), ['/usr/bin/tini', '--', '/app/deploy/container/entrypoint.sh']);
  t.match(instruction(runtimeStage, 'HEALTHCHECK')[0], /CMD \["\/usr\/local\/bin\/node", "\/app\/deploy\/container\/healthcheck\.mjs"\]/);
  t.match(readFileSync(HEALTHCHECK, 'utf8'), /\/healthz/);
  t.same(instruction(runtimeStage, 'VOLUME'), ['/data']);
  t.same(instruction(runtimeStage, 'STOPSIGNAL'), ['SIGTERM']);
  t.notMatch(runtimeStage, /^RUN .*npm/m, 'npm does not run in the runtime stage');
});

t.test('the build stage installs production dependencies only, from the lock file', async (t) => {
  const installs = instruction(buildStage, 'RUN').filter((line) => line.includes('npm ci'));
  t.equal(installs.length, 1);
  t.match(installs[0], /npm ci --omit=dev/);
  t.notMatch(buildStage, /npm install/);
});

t.test('the entrypoint sets NAME from the file NAME_FILE names, without its trailing newline, and removes NAME_FILE', async (t) => {
  const file = await secretFile(t, 'the-admin-token-of-the-data-office\n');
  const result = await entrypoint({ DX_ADMIN_TOKEN_FILE: file, LOG_LEVEL: 'warn' }, 'env');
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^DX_ADMIN_TOKEN=the-admin-token-of-the-data-office$/m);
  t.notMatch(result.stdout, /DX_ADMIN_TOKEN_FILE/);
  t.match(result.stdout, /^LOG_LEVEL=warn$/m, 'other variables are left as they are');
});

t.test('the entrypoint passes the command and its arguments through unchanged', async (t) => {
  const result = await entrypoint({}, 'printf', '%s|', 'a b', '$HOME', '');
  t.equal(result.stdout, 'a b|$HOME||');
});

t.test('the entrypoint refuses NAME and NAME_FILE set together, naming both', async (t) => {
  const file = await secretFile(t, 'from-the-file');
  const result = await entrypoint({ DATABASE_URL_FILE: file, DATABASE_URL: 'postgres://inline' }, 'env');
  t.equal(result.code, 2);
  t.match(result.stderr, /both DATABASE_URL and DATABASE_URL_FILE are set/);
  t.equal(result.stdout, '', 'the command does not run');
});

t.test('the entrypoint refuses a NAME_FILE that names no readable file', async (t) => {
  const missing = await entrypoint({ DX_SUBSCRIPTION_SECRET_FILE: '/nonexistent/secret' }, 'env');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /DX_SUBSCRIPTION_SECRET_FILE is \/nonexistent\/secret, which is not a readable file/);
  const directory = await entrypoint({ DX_SUBSCRIPTION_SECRET_FILE: tmpdir() }, 'env');
  t.equal(directory.code, 2, 'nor a directory');
});

t.test("the image's healthcheck passes while the gateway answers /healthz and fails once it is gone", async (t) => {
  const { app } = await buildTestApp(t);
  const url = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  const check = () => run(process.execPath, [HEALTHCHECK], { env: { ...process.env, PORT: url.port } }).then(() => 0, (err: { code: number }) => err.code);
  // As HEALTHCHECK --retries does: on a loaded machine one answer may miss the script's 2 s.
  let passed = await check();
  for (let attempt = 1; passed !== 0 && attempt < 3; attempt++) passed = await check();
  t.equal(passed, 0);
  await app.close();
  t.equal(await check(), 1);
});
