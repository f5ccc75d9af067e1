import { Type, type Static } from '@sinclair/typebox';
import { MAX_PATTERN_LENGTH } from './glob.ts';

export const FILE_FORMATS = ['csv', 'jsonl', 'xlsx'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** The format a file name's extension stands for, unless `format` overrides it. */
export const EXTENSION_FORMATS: Readonly<Record<string, FileFormat>> = { csv: 'csv', jsonl: 'jsonl', ndjson: 'jsonl', xlsx: 'xlsx' };

export const DEFAULT_PATTERN = '*.{csv,jsonl,ndjson,xlsx}';
export const DEFAULT_SETTLE_MS = 2000;

export const FILE_DROP_CONFIG = Type.Object(
  {
    directory: Type.String({
      minLength: 2,
      'x-directory': true,
      description:
        "Absolute path of the watched folder on the gateway host, in the department's own folder of the drop root once links are resolved, without . or .. segments; read files move to its done/ subfolder, broken files, links and special files to failed/",
    }),
    pattern: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_PATTERN_LENGTH,
        pattern: '^[^/\\\\]+$',
        default: DEFAULT_PATTERN,
        description:
          `Which file names in the folder are read: * matches any characters, ? one character, {a,b} either alternative; case-insensitive, at most ${MAX_PATTERN_LENGTH} characters. Subfolders are not searched.`,
      }),
    ),
    format: Type.Optional(
      Type.Unsafe<FileFormat>({
        type: 'string',
        enum: [...FILE_FORMATS],
        description: 'Read every matched file as csv, jsonl (JSON Lines) or xlsx whatever its extension (for exports named .txt or .dat); by default the extension decides',
      }),
    ),
    encoding: Type.Optional(
      Type.Unsafe<'utf-8' | 'gbk' | 'gb18030'>({
        type: 'string',
        enum: ['utf-8', 'gbk', 'gb18030'],
        default: 'utf-8',
        description: 'Character encoding of CSV and JSON Lines files; a byte order mark is dropped. A file with bytes invalid in this encoding moves to failed/.',
      }),
    ),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 4, default: ',', description: 'CSV field separator, e.g. "," or "\\t" or "|"' })),
    quote: Type.Optional(Type.String({ maxLength: 1, default: '"', description: 'CSV quote character; empty when fields are never quoted' })),
    escape: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1, default: '"', description: 'CSV character escaping a quote inside a quoted field (the quote itself means doubled quotes)' }),
    ),
    skipEmptyLines: Type.Optional(Type.Boolean({ default: true, description: 'Ignore empty CSV lines instead of reading them as rows' })),
    sheet: Type.Optional(Type.String({ minLength: 1, description: 'Name of the .xlsx worksheet to read; by default the first one' })),
    settleMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3_600_000,
        default: DEFAULT_SETTLE_MS,
        description: 'A file is read only once it has not been written, renamed or touched for this long, so files still being copied in are left alone',
      }),
    ),
  },
  { additionalProperties: false },
);

export type FileDropConfig = Static<typeof FILE_DROP_CONFIG>;
