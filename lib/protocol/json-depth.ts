// JSON.stringify recurses; deeper data could overflow the stack when a publication is encoded.
export const MAX_JSON_DEPTH = 100;

/** Nesting past `max` levels, found without recursion. */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Nesting past the limit needs at least two brackets per level, so short texts skip the walk. */
export function tooDeep(text: string, value: unknown): boolean {
  return text.length > 2 * MAX_JSON_DEPTH && deeperThan(value, MAX_JSON_DEPTH);
}
