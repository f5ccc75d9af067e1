/** What makes a parsed JSON value unfit to store: the path of the first offending field and why. */
export interface TextProblem {
  path: string;
  message: string;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pathOf(frame: Frame | undefined, root: string, extra?: string | number): string {
  const parts: (string | number)[] = extra === undefined ? [] : [extra];
  for (let at = frame; at && at.key !== undefined; at = at.parent) parts.push(at.key);
  let path = root;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as string | number;
    path = typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${part}` : part;
  }
  return path || '(body)';
}

// In unicode mode a surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

/** PostgreSQL text and jsonb hold neither NUL nor half of a surrogate pair (invalid UTF-16 has no UTF-8 form). */
function textFault(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (invalid Unicode), which cannot be stored';
  return undefined;
}

/**
 * Walks a parsed JSON value without recursion (so a 10,000-deep value cannot overflow the stack) in time linear in
 * its size, and answers the first string or key PostgreSQL cannot store, or the first value nested deeper than
 * `maxDepth`. Paths read as the validation errors do: `records[3].name`, rooted at `root`.
 */
export function findTextProblem(value: unknown, maxDepth: number, root = ''): TextProblem | undefined {
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const current = frame.value;
    if (typeof current === 'string') {
      const fault = textFault(current);
      if (fault) return { path: pathOf(frame, root), message: fault };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (frame.depth >= maxDepth) return { path: pathOf(frame, root), message: `is nested more than ${maxDepth} levels deep` };
    const depth = frame.depth + 1;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        const item: unknown = current[i];
        if (item !== null && (typeof item === 'object' || typeof item === 'string')) stack.push({ value: item, depth, parent: frame, key: i });
      }
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const keyFault = textFault(key);
      if (keyFault) return { path: pathOf(frame, root, key), message: `(the field name) ${keyFault}` };
      const item = (current as Record<string, unknown>)[key];
      if (item !== null && (typeof item === 'object' || typeof item === 'string')) stack.push({ value: item, depth, parent: frame, key });
    }
  }
  return undefined;
}
