import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { projectPath } from '../../project-root.ts';

// promtool (Debian's package prometheus) checks the rule file and runs its unit tests: each alert fires on the series
// that should fire it and stays quiet on healthy ones. CI installs it beside Chromium.
const run = promisify(execFile);
const PROMTOOL = process.env.PROMTOOL_PATH ?? 'promtool';
const cwd = projectPath('deploy', 'prometheus');

t.test('promtool accepts the alert rules', async (t) => {
  const { stdout } = await run(PROMTOOL, ['check', 'rules', 'alerts.yaml'], { cwd });
  t.match(stdout, /SUCCESS: \d+ rules found/);
});

t.test("the alert rules' unit tests pass under promtool", async (t) => {
  const result = await run(PROMTOOL, ['test', 'rules', 'alerts.test.yaml'], { cwd }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: `${err.stdout ?? ''}${err.stderr ?? ''}`, failed: true }));
  t.notOk('failed' in result, result.stdout);
  t.match(result.stdout, /SUCCESS/);
});
