/** A timestamp column as the ISO text the API answers. */
export const ts = (column: string, alias: string) => `to_json(${column})#>>'{}' AS "${alias}"`;
