/** A text-format PostgreSQL array literal: every element quoted (or NULL), `\\` and `"` escaped. */
export function arrayLiteral(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : `"${String(v as string | number).replace(/[\\"]/g, '\\$&')}"`;
  }
  return out + '}';
}
