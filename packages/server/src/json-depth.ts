/**
 * Nesting depth of JSON text, measured without parsing. Every reader of stored lines (flattening,
 * toWandbJson, toStrictJsonValue, JSON.stringify) recurses per level, so a valid but deeply nested
 * line would overflow the stack there ("Maximum call stack size exceeded"); such text is refused
 * before it is stored. The scan is iterative, so no input can overflow it.
 */

/** Deepest nesting of objects and arrays accepted in a stored JSON line or config. */
export const MAX_JSON_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when `text` nests objects/arrays more than `max` levels deep (brackets in strings do not count). */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  // Depth d needs d opening brackets: most lines have far fewer, counted by native indexOf scans.
  if (text.length <= max || !moreThan(text, max)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: to the next quote not escaped by a backslash.
      for (i += 1; i < text.length; i += 1) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i += 1;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** True when `text` holds more than `max` opening brackets (in strings or not). */
function moreThan(text: string, max: number): boolean {
  let n = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) {
      n += 1;
      if (n > max) return true;
    }
  }
  return false;
}
