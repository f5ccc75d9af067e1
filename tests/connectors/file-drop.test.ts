import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import t, { type Test } from 'tap';
import { openRegularFile } from '../../connectors/file-drop/folder.ts';
import { fileDrop } from '../../connectors/file-drop/index.ts';
import { RefusedFileError } from '../../connectors/file-drop/rows.ts';
import { createConnectorRegistry } from '../../connectors/registry.ts';
import type { JsonValue, SourceRecord } from '../../connectors/types.ts';
import { resolveDropFolder } from '../../gateway/pipeline/drop-folder.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { runConformance } from './conformance.ts';
import { createTestContext, type TestContext } from './context.ts';

const HEADER = ['统一社会信用代码', '企业名称', '法定代表人', '成立日期', '注册资本(万元)', '住所', '登记状态'];

/** Rows as a provincial market-regulation system exports them: realistic names, valid credit codes. */
function enterpriseRows(count: number, seed = 7): string[][] {
  const fixtures = createFixtureGenerator({ seed });
  return Array.from({ length: count }, () => {
    const o = fixtures.organisation();
    return [o.credit_code, o.name, o.legal_representative_name, o.establishment_date, o.registered_capital, o.registered_address, o.status].map((cell) => cell ?? '');
  });
}

function toCsv(rows: readonly (readonly string[])[], delimiter = ','): string {
  const quoteIfNeeded = (cell: string) => (/[",\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return rows.map((row) => row.map(quoteIfNeeded).join(delimiter)).join('\r\n') + '\r\n';
}

// As the gateway lays them out: each department's folders under <DX_FILE_DROP_ROOT>/<departmentCode>/.
const DROP_ROOT = mkdtempSync(join(tmpdir(), 'dx-file-drop-root-'));
const DEPARTMENT_FOLDER = join(DROP_ROOT, 'SCJ');
mkdirSync(DEPARTMENT_FOLDER);
t.teardown(() => rmSync(DROP_ROOT, { recursive: true, force: true }));

/** The gateway's context for a connector of the department SCJ: folders checked against its drop folder. */
function departmentContext(options: Parameters<typeof createTestContext>[0] = {}): TestContext {
  return { ...createTestContext(options), resolveFolder: (path) => resolveDropFolder(DROP_ROOT, 'SCJ', path) };
}

async function dropFolder(t: Test): Promise<string> {
  const directory = await mkdtemp(join(DEPARTMENT_FOLDER, 'drop-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** Writes a file with a given modification time (seconds ago), so the reading order is known. */
async function drop(directory: string, name: string, content: string | Buffer, secondsAgo = 60): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  const when = new Date(Date.now() - secondsAgo * 1000);
  await utimes(path, when, when);
  return path;
}

async function readAll(config: Record<string, unknown>, options: { offsets?: Map<string, JsonValue>; batchSize?: number } = {}): Promise<{ records: SourceRecord[]; context: TestContext }> {
  const context = departmentContext(options);
  const task = fileDrop.create(config as never, context);
  const records: SourceRecord[] = [];
  try {
    for await (const batch of task.read()) {
      if (batch.length > (options.batchSize ?? 100)) throw new Error('batch larger than batchSize');
      records.push(...batch);
    }
  } finally {
    await task.close();
  }
  return { records, context };
}

const files = (path: string): Promise<string[]> => readdir(path).then((names) => names.sort(), () => []);
const rowsOf = (records: SourceRecord[]) => records.map((record) => (record.offset as { row: number }).row);

t.test('conformance', async (t) => {
  runConformance(t, {
    definition: fileDrop,
    prepare: async (t) => {
      const directory = await dropFolder(t);
      const rows = enterpriseRows(9);
      await drop(directory, 'enterprises-0301.csv', toCsv([HEADER, ...rows.slice(0, 6)]), 120);
      await drop(directory, 'enterprises-0302.csv', toCsv([HEADER, ...rows.slice(6)]), 60);
      return { config: { directory, settleMs: 0 }, count: 9 };
    },
  });
});

t.test('the registry accepts the schema and every example, and every field is described', async (t) => {
  const registry = createConnectorRegistry([fileDrop]);
  for (const example of fileDrop.examples) t.same(registry.validateConfig('file-drop', example.config), [], example.summary);
  const properties = (fileDrop.configSchema as { properties: Record<string, { description?: string }> }).properties;
  for (const [name, property] of Object.entries(properties)) t.ok(property.description, `${name} is described`);
  t.match(registry.validateConfig('file-drop', { directory: '/srv/drop', colour: 'red' }), [{ path: 'config.colour' }]);
});

t.test('cross-field checks name the field: a relative directory, a sheet for CSV files, a pattern matching nothing readable', async (t) => {
  t.match(fileDrop.validate?.({ directory: 'drop' }), [{ path: 'directory' }]);
  t.match(fileDrop.validate?.({ directory: '/srv/drop', pattern: '*.csv', sheet: '低保对象' }), [{ path: 'sheet' }]);
  t.match(fileDrop.validate?.({ directory: '/srv/drop', format: 'jsonl', sheet: 'Sheet1' }), [{ path: 'sheet' }]);
  t.match(fileDrop.validate?.({ directory: '/srv/drop', pattern: '*.txt' }), [{ path: 'pattern' }]);
  t.match(fileDrop.validate?.({ directory: '/srv/drop', pattern: '*.xlsx', delimiter: ';' }), [{ path: 'delimiter' }]);
  t.match(fileDrop.validate?.({ directory: '/srv/drop', delimiter: ';', quote: ';' }), [{ path: 'quote' }]);
  t.same(fileDrop.validate?.({ directory: '/srv/drop', pattern: '*.{csv,xlsx}', sheet: 'Sheet1', encoding: 'gbk' }), []);
  t.same(fileDrop.validate?.({ directory: '/srv/drop', pattern: 'export_*', sheet: 'Sheet1' }), []);
  t.same(fileDrop.validate?.({ directory: '/srv/drop', pattern: '{a.xlsx,b.xlsx}', sheet: 'Sheet1' }), []);
});

t.test('a GBK CSV with Chinese headers and values decodes correctly', async (t) => {
  const directory = await dropFolder(t);
  const rows = enterpriseRows(5);
  await drop(directory, '企业登记_20260301.csv', iconv.encode(toCsv([HEADER, ...rows]), 'gbk'));
  const { records } = await readAll({ directory, encoding: 'gbk', settleMs: 0 });
  t.equal(records.length, 5);
  t.same(records[0]?.value, Object.fromEntries(HEADER.map((name, index) => [name, rows[0]?.[index]])));
  t.equal(records[0]?.partition, '企业登记_20260301.csv');
  t.same(records[0]?.offset, { file: '企业登记_20260301.csv', row: 1 });
});

t.test('a GB18030 CSV with a byte order mark and characters beyond GBK decodes correctly', async (t) => {
  const directory = await dropFolder(t);
  const text = toCsv([['姓名', '住址'], ['王䶮', '𠀾市中山路1号'], ['李㵘', '北京市']]);
  await drop(directory, 'residents.csv', Buffer.concat([Buffer.from([0x84, 0x31, 0x95, 0x33]), iconv.encode(text, 'gb18030')]));
  const { records } = await readAll({ directory, encoding: 'gb18030', settleMs: 0 });
  t.same(records.map((record) => record.value), [{ 姓名: '王䶮', 住址: '𠀾市中山路1号' }, { 姓名: '李㵘', 住址: '北京市' }]);
});

t.test('quoted fields keep embedded delimiters, newlines and quotes; a UTF-8 byte order mark is dropped; cells stay text', async (t) => {
  const directory = await dropFolder(t);
  const csv = '\uFEFF企业名称;经营范围;注册资本\r\n"某某科技;有限公司";"软件开发\n技术咨询";"0100"\r\n"说""明""";;\r\n\r\n';
  await drop(directory, 'scope.csv', csv);
  const { records } = await readAll({ directory, delimiter: ';', settleMs: 0 });
  t.same(records.map((record) => record.value), [
    { 企业名称: '某某科技;有限公司', 经营范围: '软件开发\n技术咨询', 注册资本: '0100' },
    { 企业名称: '说"明"', 经营范围: '', 注册资本: '' },
  ]);
});

t.test('JSON Lines files (.jsonl and .ndjson) are read line by line, skipping empty lines', async (t) => {
  const directory = await dropFolder(t);
  const a = '{"id":1,"name":"张三","tags":["低保"]}\r\n\r\n{"id":2,"name":"李四","tags":[]}\n';
  const b = '{"id":3,"name":"王五","address":{"city":"杭州"}}';
  await drop(directory, 'a.jsonl', a, 120);
  await drop(directory, 'b.ndjson', b, 60);
  const { records } = await readAll({ directory, settleMs: 0 });
  t.same(records.map((record) => record.value), [{ id: 1, name: '张三', tags: ['低保'] }, { id: 2, name: '李四', tags: [] }, { id: 3, name: '王五', address: { city: '杭州' } }]);
  t.same(records.map((record) => record.offset), [{ file: 'a.jsonl', row: 1 }, { file: 'a.jsonl', row: 2, eof: true, size: Buffer.byteLength(a) }, { file: 'b.ndjson', row: 1, eof: true, size: Buffer.byteLength(b) }]);
});

async function writeWorkbook(path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('说明').addRow(['本表由民政局导出']);
  const sheet = workbook.addWorksheet('低保对象');
  sheet.addRow(['姓名', '认定日期', '复核时间', '月保障金额', '备注', '合计', '是否在册']);
  sheet.addRow(['张三', new Date(Date.UTC(2025, 2, 1)), new Date(Date.UTC(2025, 5, 3, 9, 30)), 825.5, { richText: [{ text: '重残' }, { text: '，单人户', font: { bold: true } }] }, { formula: 'D2*12', result: 9906 }, true]);
  sheet.addRow([]);
  sheet.addRow(['李四', new Date(Date.UTC(2024, 11, 31)), null, 1200, null, { formula: 'D4*12', result: 14400 }, false]);
  sheet.getCell('B2').numFmt = 'yyyy-mm-dd';
  await workbook.xlsx.writeFile(path);
}

t.test('an .xlsx sheet is read with numbers as numbers, dates as ISO strings and rich text as text', async (t) => {
  const directory = await dropFolder(t);
  await writeWorkbook(join(directory, '低保_202603.xlsx'));
  const { records } = await readAll({ directory, sheet: '低保对象', settleMs: 0 });
  t.same(records.map((record) => record.value), [
    { 姓名: '张三', 认定日期: '2025-03-01', 复核时间: '2025-06-03T09:30:00', 月保障金额: 825.5, 备注: '重残，单人户', 合计: 9906, 是否在册: true },
    { 姓名: '李四', 认定日期: '2024-12-31', 复核时间: '', 月保障金额: 1200, 备注: '', 合计: 14400, 是否在册: false },
  ]);
  t.same(rowsOf(records), [1, 2], 'the empty row is skipped');
});

t.test('without a sheet name the first worksheet of the workbook is read', async (t) => {
  const directory = await dropFolder(t);
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('企业').addRows([['企业名称', '注册资本'], ['杭州某某科技有限公司', 100]]);
  workbook.addWorksheet('附表').addRows([['说明'], ['不应读取']]);
  await workbook.xlsx.writeFile(join(directory, 'book.xlsx'));
  const { records } = await readAll({ directory, settleMs: 0 });
  t.same(records.map((record) => record.value), [{ 企业名称: '杭州某某科技有限公司', 注册资本: 100 }]);
});

t.test('a file without data rows has nothing to deliver and moves to done/ when read', async (t) => {
  const directory = await dropFolder(t);
  await drop(directory, 'header-only.csv', toCsv([HEADER]));
  await drop(directory, 'empty.jsonl', '');
  const { records } = await readAll({ directory, settleMs: 0 });
  t.same(records, []);
  t.same(await files(join(directory, 'done')), ['empty.jsonl', 'header-only.csv']);
});

t.test('only files matching the pattern are read; dot files, office lock files and subfolders are not', async (t) => {
  const directory = await dropFolder(t);
  const csv = toCsv([['a'], ['1']]);
  for (const name of ['企业_0301.csv', '企业_0302.CSV', '企业_0303.csv.part', '.企业_0304.csv', '~$企业_0305.csv', '个人_0301.csv']) await drop(directory, name, csv);
  await mkdir(join(directory, '企业_old.csv'));
  const { records } = await readAll({ directory, pattern: '企业_*.{csv,xlsx}', settleMs: 0 });
  t.same(records.map((record) => record.partition).sort(), ['企业_0301.csv', '企业_0302.CSV']);
});

t.test('a task resumes mid-file after a stored { file, row } offset', async (t) => {
  const directory = await dropFolder(t);
  const rows = enterpriseRows(8);
  await drop(directory, 'e.csv', toCsv([HEADER, ...rows]));
  const { records } = await readAll({ directory, settleMs: 0 }, { offsets: new Map([['e.csv', { file: 'e.csv', row: 5 }]]), batchSize: 2 });
  t.same(rowsOf(records), [6, 7, 8]);
  t.equal(records[0]?.value['统一社会信用代码'], rows[5]?.[0]);
});

t.test('a file moves to done/ only once the offset of its last row is committed', async (t) => {
  const directory = await dropFolder(t);
  await drop(directory, 'e.csv', toCsv([HEADER, ...enterpriseRows(4)]));
  const config = { directory, settleMs: 0 };
  const first = await readAll(config);
  t.equal(first.records.length, 4);
  const [last, beforeLast] = [first.records[3], first.records[2]];
  t.match(last?.offset, { file: 'e.csv', row: 4, eof: true });
  t.same(await files(directory), ['e.csv'], 'reading alone moves nothing');

  const partly = await readAll(config, { offsets: new Map([['e.csv', beforeLast!.offset]]) });
  t.same(rowsOf(partly.records), [4], 'with row 3 committed, row 4 is delivered again');
  t.same(await files(directory), ['e.csv']);

  await mkdir(join(directory, 'done'));
  await writeFile(join(directory, 'done', 'e.csv'), 'an earlier file of the same name\n');
  const committed = await readAll(config, { offsets: new Map([['e.csv', last!.offset]]) });
  t.same(committed.records, [], 'a fully committed file is not read again');
  t.same(await files(directory), ['done']);
  t.same(await files(join(directory, 'done')), ['e.1.csv', 'e.csv'], 'the earlier file in done/ is kept');
});

t.test('rows appended to a fully read file are read after its last committed row', async (t) => {
  const directory = await dropFolder(t);
  const rows = enterpriseRows(5);
  const path = await drop(directory, 'e.csv', toCsv([HEADER, ...rows.slice(0, 3)]));
  const first = await readAll({ directory, settleMs: 0 });
  await writeFile(path, toCsv([HEADER, ...rows]));
  await utimes(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const again = await readAll({ directory, settleMs: 0 }, { offsets: new Map([['e.csv', first.records[2]!.offset]]) });
  t.same(rowsOf(again.records), [4, 5]);
});

t.test('a broken file goes to failed/ with a reason, after its good rows, and the other files are still read', async (t) => {
  const directory = await dropFolder(t);
  await drop(directory, '1-broken.csv', `${toCsv([HEADER, ...enterpriseRows(3)])}91330100MA2XXXXX1X,"未闭合的引号,张三,2020-01-01,100,杭州,1\r\n`, 120);
  await drop(directory, '2-good.csv', toCsv([HEADER, ...enterpriseRows(2, 9)]), 60);
  const { records, context } = await readAll({ directory, settleMs: 0 }, { batchSize: 2 });
  t.same(records.map((record) => [record.partition, (record.offset as { row: number }).row]), [['1-broken.csv', 1], ['1-broken.csv', 2], ['1-broken.csv', 3], ['2-good.csv', 1], ['2-good.csv', 2]]);
  t.same(await files(join(directory, 'failed')), ['1-broken.csv', '1-broken.csv.reason.txt']);
  const reason = await readFile(join(directory, 'failed', '1-broken.csv.reason.txt'), 'utf8');
  t.match(reason, /CSV_QUOTE_NOT_CLOSED/);
  t.match(reason, /3 data row\(s\) were read/);
  t.match(context.logged, [{ level: 'warn', message: 'broken file moved to failed/' }]);
  t.same(await files(directory), ['2-good.csv', 'failed']);
});

t.test('undecodable bytes, a bad JSON line, a wrong field count and a corrupt workbook each send their file to failed/', async (t) => {
  const directory = await dropFolder(t);
  const gbk = iconv.encode('姓名,地址\r\n张三,杭州\r\n李四,"宁波\r\n北仑"\r\n', 'gbk');
  await drop(directory, 'bytes.csv', Buffer.concat([gbk, Buffer.from([0x41, 0xff, 0xfe, 0x2c, 0x41, 0x0d, 0x0a])]), 60);
  await drop(directory, 'lines.jsonl', '{"id":1}\n{"id":2,}\n{"id":3}\n', 50);
  await drop(directory, 'array.jsonl', '[1,2]\n', 40);
  await drop(directory, 'fields.csv', 'a,b\r\n1,2\r\n3\r\n', 30);
  await drop(directory, 'corrupt.xlsx', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2000, 7)]), 20);
  await drop(directory, 'text.xlsx', 'this is a CSV renamed to .xlsx\n', 10);
  const { records, context } = await readAll({ directory, encoding: 'gbk', settleMs: 0 });
  t.same(
    records.map((record) => [record.partition, record.value]),
    [['bytes.csv', { 姓名: '张三', 地址: '杭州' }], ['bytes.csv', { 姓名: '李四', 地址: '宁波\r\n北仑' }], ['lines.jsonl', { id: 1 }], ['fields.csv', { a: '1', b: '2' }]],
    'the rows before each problem are delivered',
  );
  t.same(records.map((record) => record.offset), records.map((record) => ({ file: record.partition, row: (record.offset as { row: number }).row })), 'none is marked as a last row');
  const failed = await files(join(directory, 'failed'));
  for (const name of ['bytes.csv', 'lines.jsonl', 'array.jsonl', 'fields.csv', 'corrupt.xlsx', 'text.xlsx']) {
    t.ok(failed.includes(name) && failed.includes(`${name}.reason.txt`), `${name} is in failed/ with its reason`);
  }
  t.same(await files(directory), ['failed']);
  t.match(await readFile(join(directory, 'failed', 'bytes.csv.reason.txt'), 'utf8'), /bytes on line 5 are not valid gbk/);
  t.match(await readFile(join(directory, 'failed', 'lines.jsonl.reason.txt'), 'utf8'), /line 2 is not valid JSON/);
  t.match(await readFile(join(directory, 'failed', 'fields.csv.reason.txt'), 'utf8'), /CSV_RECORD_INCONSISTENT_FIELDS_LENGTH on line 3/);
  t.match(await readFile(join(directory, 'failed', 'corrupt.xlsx.reason.txt'), 'utf8'), /not a readable \.xlsx workbook/);
  t.equal(context.logged.filter((line) => line.level === 'warn').length, 6);
});

t.test('a file still being written is left alone until it has settled', async (t) => {
  const directory = await dropFolder(t);
  await writeFile(join(directory, 'e.csv'), toCsv([HEADER, ...enterpriseRows(3)]));
  const config = { directory, settleMs: 1000 };
  t.same((await readAll(config)).records, [], 'a file changed just now is not read');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.equal((await readAll(config)).records.length, 3, 'once it has not changed for settleMs it is read');
});

t.test('check reports the folder readable and the files waiting, or names what is wrong', async (t) => {
  const directory = await dropFolder(t);
  await drop(directory, 'a.csv', toCsv([HEADER, ...enterpriseRows(1)]));
  await drop(directory, 'b.jsonl', '{"id":1}\n');
  await drop(directory, 'notes.txt', 'not data\n');
  await writeFile(join(directory, 'c.csv'), 'still being copied');
  const task = fileDrop.create({ directory, settleMs: 60_000 }, departmentContext());
  const result = await task.check();
  t.equal(result.ok, true);
  t.match(result.message, /3 file\(s\) wait, 3 of them still being written/);
  await task.close();

  const missing = fileDrop.create({ directory: join(directory, 'nowhere') }, departmentContext());
  t.match(await missing.check(), { ok: false, message: /nowhere does not exist/ });
  await missing.close();
});

t.test('closing the task ends a read in the middle of a workbook', async (t) => {
  const directory = await dropFolder(t);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('企业');
  sheet.addRow(HEADER);
  for (const row of enterpriseRows(2000)) sheet.addRow(row);
  await workbook.xlsx.writeFile(join(directory, 'big.xlsx'));
  const task = fileDrop.create({ directory, settleMs: 0 }, departmentContext({ batchSize: 10 }));
  const iterator = task.read()[Symbol.asyncIterator]();
  const first = await iterator.next();
  t.equal(first.done, false);
  await task.close();
  t.equal((await iterator.next()).done, true);
  t.same(await files(directory), ['big.xlsx'], 'the file stays where it was');
});

t.test('a CSV of 200,000 rows is read with flat memory', async (t) => {
  const directory = await dropFolder(t);
  const sample = enterpriseRows(1000);
  const path = join(directory, 'big.csv');
  const out = createWriteStream(path);
  out.write(toCsv([HEADER]));
  for (let start = 0; start < 200_000; start += 1000) {
    if (!out.write(toCsv(sample.map((row, index) => [row[0]!, `${row[1]}${start + index}`, ...row.slice(2)])))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const size = (await stat(path)).size;
  // What stays reachable while reading (after a full collection), in the JS heap and in buffers outside it.
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const retained = () => {
    gc();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.external;
  };
  const task = fileDrop.create({ directory, settleMs: 0 }, departmentContext({ batchSize: 500 }));
  const baseline = retained();
  let peak = 0;
  let count = 0;
  let last: SourceRecord | undefined;
  for await (const batch of task.read()) {
    count += batch.length;
    last = batch[batch.length - 1];
    if (count % 20_000 === 0) peak = Math.max(peak, retained() - baseline);
  }
  await task.close();
  t.equal(count, 200_000);
  t.match(last?.offset, { row: 200_000, eof: true });
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  t.ok(peak < 20 * 1024 * 1024, `at most ${mb(peak)} MB more held while reading a ${mb(size)} MB file`);
});

t.test("a folder outside the department's drop folder is refused by check and by read", async (t) => {
  const task = fileDrop.create({ directory: '/etc' }, departmentContext());
  t.match(await task.check(), { ok: false, message: /must be inside the department's folder/ });
  await t.rejects(readAll({ directory: '/etc' }), /must be inside the department's folder/);
  await task.close();
});

t.test('a file swapped for a link or a fifo after the listing is refused when opened, without waiting on the fifo', async (t) => {
  const directory = await dropFolder(t);
  await drop(directory, 'real.csv', toCsv([['a'], ['1']]));
  await symlink(join(directory, 'real.csv'), join(directory, 'link.csv'));
  execFileSync('mkfifo', [join(directory, 'pipe.csv')]);
  await t.rejects(openRegularFile(join(directory, 'link.csv')), new RefusedFileError('it is a symbolic link'));
  await t.rejects(openRegularFile(join(directory, 'pipe.csv')), new RefusedFileError('it is a fifo (named pipe)'));
  const handle = await openRegularFile(join(directory, 'real.csv'));
  t.equal((await handle.stat()).isFile(), true);
  await handle.close();
});

t.test('a folder swapped for a link in the middle of a read: the read goes on in the folder it opened', async (t) => {
  const directory = await dropFolder(t);
  const elsewhere = await dropFolder(t);
  await drop(directory, 'a.csv', toCsv([['who'], ['own-1'], ['own-2']]), 120);
  await drop(directory, 'z.csv', toCsv([['who'], ['own-3']]), 60);
  await drop(elsewhere, 'z.csv', toCsv([['who'], ['theirs']]), 60);
  const task = fileDrop.create({ directory, settleMs: 0 }, departmentContext({ batchSize: 1 }));
  const seen: unknown[] = [];
  for await (const batch of task.read()) {
    seen.push(...batch.map((record) => record.value.who));
    if (seen.length === 1) {
      await rename(directory, `${directory}.old`);
      await symlink(elsewhere, directory);
    }
  }
  await task.close();
  t.same(seen, ['own-1', 'own-2', 'own-3']);
  await rm(directory);
  await rename(`${directory}.old`, directory);
});
