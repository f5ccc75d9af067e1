/** One Markdown table row; pipes and line breaks inside a cell would end it early. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
}

/** A Markdown table: a header row, its rule, then the rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [tableRow(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(tableRow)];
}

export function generatedNotice(from: string): string {
  return `<!-- Generated from ${from}; run \`npm run docs\` after changing it. -->`;
}

/** Prose for a cell: `<key>` would otherwise be read as an HTML tag and vanish. */
export function prose(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
