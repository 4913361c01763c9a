/**
 * The range a decimal's precision implies, per FHIR search: half a unit of the last significant
 * digit either side, `1.5` → [1.45, 1.55) and `100` → [99.5, 100.5). Precision is read from the
 * number's JavaScript textual form (`String(value)`), so JSON trailing zeros (`1.50`) are already
 * lost by the time a resource is parsed; `1.50` therefore indexes as `1.5`. Exponent forms
 * (`1e-7`, `1.5e+21`) are handled. Bounds are rounded to one digit past the value's precision so
 * binary floating point does not leak into the stored numbers.
 */

export interface NumberRange {
  value: number;
  low: number;
  high: number;
}

/** The power of ten of the last significant digit of `text` (`1.5` → -1, `100` → 0, `1e-7` → -7). */
function lastDigitExponent(text: string): number {
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e');
  const dot = mantissa.indexOf('.');
  const decimals = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Number(exponent) - decimals;
}

function roundTo(value: number, exponent: number): number {
  if (exponent >= 0) return value;
  return Number(value.toFixed(Math.min(100, -exponent)));
}

export function numberRange(value: number): NumberRange | null {
  if (!Number.isFinite(value)) return null;
  return rangeAt(value, lastDigitExponent(String(value)));
}

/**
 * The range of a decimal as written, for search values where the text is all we have and its
 * trailing zeros carry precision (`1.50` → [1.495, 1.505)). Null when the text is not a decimal.
 */
export function numberRangeFromText(text: string): NumberRange | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  return rangeAt(value, lastDigitExponent(text));
}

function rangeAt(value: number, exponent: number): NumberRange {
  const half = 5 * 10 ** (exponent - 1);
  return {
    value,
    low: roundTo(value - half, exponent - 1),
    high: roundTo(value + half, exponent - 1),
  };
}
