// JSON text exactly as Python's json.dumps writes it, for template values the original produced with it (the
// CloudliftOptions outputs): a different spacing or escaping would show as a change on every stack update.

/** Python's `json.dumps` (default separators, ASCII only), as the original wrote the CloudliftOptions output. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => pythonJson(item)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${pythonString(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  if (typeof value === 'string') {
    return pythonString(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return JSON.stringify(value);
}

function pythonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
