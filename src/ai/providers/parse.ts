/** JSON out of a model's text: plain, or inside a ```json fence. Returns the text itself when it is not JSON. */
export function parseJsonLoosely(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidate = (fenced ? fenced[1] : text).trim();
  try {
    return JSON.parse(candidate) as unknown;
  } catch {
    return text;
  }
}
