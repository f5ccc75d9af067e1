/**
 * The target of the first link with relation type "next" in a Link header (RFC 8288), as written (possibly relative).
 * Targets may contain commas and parameters may be quoted, so the header is scanned rather than split.
 */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return undefined;
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('<', position);
    const close = open < 0 ? -1 : text.indexOf('>', open);
    if (close < 0) return undefined;
    let end = close + 1;
    let quoted = false;
    for (; end < text.length; end++) {
      const char = text[end];
      if (char === '\\' && quoted) end++;
      else if (char === '"') quoted = !quoted;
      else if (char === ',' && !quoted) break;
    }
    if (relations(text.slice(close + 1, end)).includes('next')) return text.slice(open + 1, close).trim();
    position = end + 1;
  }
  return undefined;
}

function relations(params: string): string[] {
  for (const match of params.matchAll(/;\s*([^\s=;,]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;]*))?/g)) {
    if (match[1]?.toLowerCase() !== 'rel') continue;
    const raw = (match[2] ?? '').trim();
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    // Only the first rel parameter counts (RFC 8288, 3.3).
    return value.toLowerCase().split(/\s+/).filter(Boolean);
  }
  return [];
}
