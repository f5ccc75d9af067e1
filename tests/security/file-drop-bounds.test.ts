import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import t, { type Test } from 'tap';
import yazl from 'yazl';
import { compileGlob } from '../../connectors/file-drop/glob.ts';
import { bearer } from '../helpers/app.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { companiesCsv, registerDrop, registeredDrop, setupDrops, testDrop, type DropSetup } from './file-drop-setup.ts';

const REDOS_GLOB = '*a*a*a*a*a*a*a*ab';
const MIB = 1024 * 1024;

function zipOf(entries: { name: string; data: Buffer }[], options: { compress?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const { name, data } of entries) zip.addBuffer(data, name, { compress: options.compress ?? true });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/** The central directory records of a zip without comment: offset of each record and its entry's name. */
function centralRecords(zip: Buffer): { at: number; length: number; name: string }[] {
  const eocd = zip.length - 22;
  const records: { at: number; length: number; name: string }[] = [];
  for (let at = zip.readUInt32LE(eocd + 16); at < eocd; ) {
    const length = 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    records.push({ at, length, name: zip.toString('utf8', at + 46, at + 46 + zip.readUInt16LE(at + 28)) });
    at += length;
  }
  return records;
}

/** Makes an entry declare another decompressed size, in its local header and its central directory record alike. */
function declareSize(zip: Buffer, name: string, uncompressed: number): Buffer {
  const patched = Buffer.from(zip);
  const record = centralRecords(patched).find((entry) => entry.name === name)!;
  patched.writeUInt32LE(uncompressed, record.at + 24);
  patched.writeUInt32LE(uncompressed, patched.readUInt32LE(record.at + 42) + 22);
  return patched;
}

/** Leaves an entry's bytes in place but drops it from the central directory, where a reader of the directory never sees it. */
function unlist(zip: Buffer, name: string): Buffer {
  const record = centralRecords(zip).find((entry) => entry.name === name)!;
  const patched = Buffer.concat([zip.subarray(0, record.at), zip.subarray(record.at + record.length)]);
  const eocd = patched.length - 22;
  patched.writeUInt16LE(patched.readUInt16LE(eocd + 8) - 1, eocd + 8);
  patched.writeUInt16LE(patched.readUInt16LE(eocd + 10) - 1, eocd + 10);
  patched.writeUInt32LE(patched.readUInt32LE(eocd + 12) - record.length, eocd + 12);
  return patched;
}

const SHEET_START = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';

/** A worksheet part of `bytes` bytes of whitespace: a thousandfold when deflated. */
const swollenSheet = (bytes: number) => Buffer.concat([Buffer.from(SHEET_START), Buffer.alloc(bytes, 32), Buffer.from('</sheetData></worksheet>')]);

/** Drops the bomb beside a good CSV, runs the connector, and answers the run and the reason the bomb got. */
async function runWithBomb(t: Test, setup: DropSetup, bomb: Buffer): Promise<{ run: Record<string, unknown>; reason: string; elapsedMs: number }> {
  const { app, b, attackerTopic } = setup;
  writeFileSync(join(b.folder, 'bomb.xlsx'), bomb);
  writeFileSync(join(b.folder, 'own.csv'), companiesCsv(3, 5));
  const id = await registeredDrop(t, app, b.key, { directory: b.folder, pattern: '*.{csv,xlsx}' }, { topic: await attackerTopic('file-drop-bomb') });
  const started = Date.now();
  await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/run`, headers: bearer(b.key) });
  const status = await waitFor(async () => (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(b.key) })).json(), (body) => body.lastRun && body.lastRun.status !== 'running', 60_000);
  const elapsedMs = Date.now() - started;
  t.notOk(existsSync(join(b.folder, 'bomb.xlsx')), 'the bomb left the folder');
  return { run: status.lastRun, reason: readFileSync(join(b.folder, 'failed', 'bomb.xlsx.reason.txt'), 'utf8'), elapsedMs };
}

t.test(`the glob ${REDOS_GLOB} against a 60-character name is matched in milliseconds`, async (t) => {
  const glob = compileGlob(REDOS_GLOB);
  const started = performance.now();
  t.equal(glob.matches('a'.repeat(60)), false);
  t.equal(glob.matches(`${'a'.repeat(59)}b`), true);
  t.equal(glob.matches(`${'A'.repeat(58)}aB`), true, 'case-insensitive');
  t.ok(performance.now() - started < 200, `took ${(performance.now() - started).toFixed(1)} ms`);
});

t.test(`a connector with the glob ${REDOS_GLOB} tests a folder of long names without stalling the gateway`, async (t) => {
  const { app, b } = await setupDrops(t);
  for (let n = 0; n < 5; n++) writeFileSync(join(b.folder, `${'a'.repeat(58)}${n}a`), 'x\n');
  const id = await registeredDrop(t, app, b.key, { directory: b.folder, pattern: REDOS_GLOB, format: 'csv' });
  const started = Date.now();
  const answer = await testDrop(app, b.key, id);
  t.equal(answer.check.ok, true, answer.check.message);
  t.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
});

t.test('a file-name pattern longer than 200 characters is refused naming the field', async (t) => {
  const { app, b } = await setupDrops(t);
  const response = await registerDrop(app, b.key, { directory: b.folder, pattern: `${'*a'.repeat(101)}.csv` });
  t.equal(response.statusCode, 400);
  t.match(response.json().details, [{ path: 'config.pattern' }]);
});

t.test('an .xlsx zip bomb (a thousandfold entry) moves to failed/ with a reason and the run reads the other files', async (t) => {
  const setup = await setupDrops(t);
  const bomb = await zipOf([{ name: 'xl/worksheets/sheet1.xml', data: swollenSheet(50 * MIB) }]);
  t.ok(bomb.length < MIB, `the bomb is ${bomb.length} bytes`);
  const { run, reason, elapsedMs } = await runWithBomb(t, setup, bomb);
  t.match(run, { status: 'succeeded', read: 3 });
  t.match(reason, /bomb\.xlsx could not be read as xlsx: refused as a possible zip bomb: entry xl\/worksheets\/sheet1\.xml declares \d+ times its compressed size, more than 100/);
  t.ok(elapsedMs < 20_000, `the run took ${elapsedMs} ms`);
});

t.test('an .xlsx whose entry declares a small size but unpacks to a large one is refused before parsing', async (t) => {
  const setup = await setupDrops(t);
  const bomb = declareSize(await zipOf([{ name: 'xl/worksheets/sheet1.xml', data: swollenSheet(30 * MIB) }]), 'xl/worksheets/sheet1.xml', 4096);
  const { run, reason } = await runWithBomb(t, setup, bomb);
  t.match(run, { status: 'succeeded', read: 3 });
  t.match(reason, /refused as a possible zip bomb: entry xl\/worksheets\/sheet1\.xml (does not unpack as it declares|decompresses to more)/);
});

t.test('an .xlsx whose entries declare more than 200 MB decompressed in all is refused', async (t) => {
  const setup = await setupDrops(t);
  // Random bytes do not deflate: 3 MB declared as 210 MB stays under the ratio, so the total is what refuses it.
  const zip = await zipOf([{ name: 'xl/sharedStrings.xml', data: randomBytes(3 * MIB) }]);
  const { reason } = await runWithBomb(t, setup, declareSize(zip, 'xl/sharedStrings.xml', 210 * MIB));
  t.match(reason, /refused as a possible zip bomb: its entries declare \d+ or more bytes decompressed, more than 209715200/);
});

t.test('an .xlsx of more than 10,000 entries is refused', async (t) => {
  const setup = await setupDrops(t);
  const zip = await zipOf(Array.from({ length: 10_001 }, (_, n) => ({ name: `xl/media/part${n}.xml`, data: Buffer.from('<x/>') })), { compress: false });
  const { reason } = await runWithBomb(t, setup, zip);
  t.match(reason, /refused as a possible zip bomb: it has 10001 entries, more than 10000/);
});

t.test('an .xlsx with an entry hidden from its central directory is refused, since the streaming reader would unpack it', async (t) => {
  const setup = await setupDrops(t);
  const zip = await zipOf([
    { name: 'xl/worksheets/sheet1.xml', data: swollenSheet(2 * MIB) },
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
  ]);
  const { reason } = await runWithBomb(t, setup, unlist(zip, 'xl/worksheets/sheet1.xml'));
  t.match(reason, /refused as a possible zip bomb: \d+ bytes before entry \[Content_Types\]\.xml belong to no listed entry/);
});

t.test('a real workbook passes the zip checks and is read', async (t) => {
  const { app, b } = await setupDrops(t);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('企业');
  for (const line of companiesCsv(4, 9).trim().split('\n')) sheet.addRow(line.split(','));
  await workbook.xlsx.writeFile(join(b.folder, '企业.xlsx'));
  const id = await registeredDrop(t, app, b.key, { directory: b.folder, pattern: '*.xlsx' });
  const answer = await testDrop(app, b.key, id);
  t.equal(answer.records.length, 4);
  t.notOk(existsSync(join(b.folder, 'failed')));
});
