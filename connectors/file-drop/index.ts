import { isAbsolute } from 'node:path';
import type { ConfigProblem, PullConnectorDefinition } from '../types.ts';
import { DEFAULT_PATTERN, EXTENSION_FORMATS, FILE_DROP_CONFIG, FILE_FORMATS, type FileDropConfig, type FileFormat } from './config.ts';
import { literalExtensions } from './glob.ts';
import { createFileDropTask } from './task.ts';
import { XLSX_LIMITS } from './zip-limits.ts';

const MIB = 1024 * 1024;

/** The formats files matched by this config can have: the `format` override, else what the pattern's extension allows. */
function readableFormats(config: FileDropConfig): Set<FileFormat> {
  if (config.format !== undefined) return new Set([config.format]);
  const extensions = literalExtensions(config.pattern ?? DEFAULT_PATTERN);
  if (extensions === undefined) return new Set(FILE_FORMATS);
  return new Set(extensions.flatMap((extension) => EXTENSION_FORMATS[extension] ?? []));
}

const CSV_ONLY = ['delimiter', 'quote', 'escape', 'skipEmptyLines'] as const;

export const fileDrop: PullConnectorDefinition<FileDropConfig> = {
  type: 'file-drop',
  kind: 'pull',
  summary: 'Reads CSV, JSON Lines and Excel (.xlsx) files that a department drops into a folder, then moves each to done/.',
  description:
    'Each run reads the files in the folder that match the pattern and have not changed for settleMs, oldest first ' +
    '(modification time, then name). A file is a partition named as the file; a record is one data row, its fields ' +
    'named by the header row (CSV, .xlsx) or the keys of the JSON object (JSON Lines), and its offset is the file ' +
    'name and the 1-based data row, so a restart resumes mid-file. CSV cells are passed as written (strings, empty ' +
    'cells as ""); .xlsx cells keep numbers as numbers, dates as ISO YYYY-MM-DD (with the time when there is one) ' +
    'and rich text as plain text. Files are streamed, so memory stays flat however large they are. Once the offset ' +
    'of a file\'s last row has been committed, the next run moves it to done/; a file that cannot be parsed (a ' +
    'malformed CSV line, a line that is not a JSON object, a corrupt workbook, bytes invalid in the encoding) moves ' +
    'to failed/ with <name>.reason.txt beside it, after the rows before the problem were delivered. A department ' +
    'watches only folders in its own folder of the drop root, DX_FILE_DROP_ROOT/{departmentCode}/, checked with ' +
    'links resolved when the connector is registered and again at each run. Only regular files are read: a ' +
    'matching symbolic link, fifo, socket or device moves to failed/ unread, with its reason. An .xlsx workbook is ' +
    `checked before parsing: more than ${XLSX_LIMITS.maxTotalBytes / MIB} MiB decompressed in all, more than ` +
    `${XLSX_LIMITS.maxEntries} entries, an entry over ${XLSX_LIMITS.ratioGraceBytes / MIB} MiB that unpacks to more than ` +
    `${XLSX_LIMITS.maxRatio} times its compressed size, or an entry hidden from the zip directory moves it to failed/ ` +
    'as a possible zip bomb. The gateway needs read and write access to the folder. Senders should copy a file in under a name the pattern does not ' +
    'match (a .part suffix, a leading dot) and rename it once complete; settleMs only protects copies that never ' +
    'pause for that long.',
  configSchema: FILE_DROP_CONFIG,
  examples: [
    {
      summary: 'Daily GBK CSV export of the provincial market-regulation system (统一社会信用代码,企业名称,法定代表人,成立日期,登记状态)',
      config: { directory: '/srv/dx-drop/SCJ/enterprises', pattern: '*.csv', encoding: 'gbk', settleMs: 10_000 },
    },
    {
      summary: 'Monthly Excel workbooks of the civil-affairs bureau, reading the sheet 低保对象 of each',
      config: { directory: '/srv/dx-drop/MZJ/dibao', pattern: '低保*.xlsx', sheet: '低保对象' },
    },
    {
      summary: 'Tab-separated GB18030 .txt files from a county hospital information system, read as CSV',
      config: { directory: '/srv/dx-drop/WJW/outpatient', pattern: '*.txt', format: 'csv', encoding: 'gb18030', delimiter: '\t', quote: '' },
    },
  ],
  validate(config) {
    const problems: ConfigProblem[] = [];
    if (!isAbsolute(config.directory)) problems.push({ path: 'directory', message: 'must be an absolute path' });
    const formats = readableFormats(config);
    if (formats.size === 0) {
      problems.push({ path: 'pattern', message: 'matches no readable file (.csv, .jsonl, .ndjson, .xlsx); set format to read other extensions' });
      return problems;
    }
    if (config.sheet !== undefined && !formats.has('xlsx')) problems.push({ path: 'sheet', message: 'applies to .xlsx files only, and this config reads none' });
    if (config.encoding !== undefined && !formats.has('csv') && !formats.has('jsonl')) {
      problems.push({ path: 'encoding', message: 'applies to CSV and JSON Lines files only, and this config reads neither' });
    }
    for (const field of CSV_ONLY) {
      if (config[field] !== undefined && !formats.has('csv')) problems.push({ path: field, message: 'applies to CSV files only, and this config reads none' });
    }
    const quote = config.quote ?? '"';
    if (quote !== '' && (config.delimiter ?? ',').includes(quote)) {
      problems.push({ path: config.quote === undefined ? 'delimiter' : 'quote', message: 'the delimiter and the quote must differ' });
    }
    return problems;
  },
  create: createFileDropTask,
};
