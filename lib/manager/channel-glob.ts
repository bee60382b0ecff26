/**
 * A channel pattern as Centrifugo's `channels` API takes it (gobwas/glob without separators):
 * `*` any run of characters, `?` one character, `[abc]`/`[a-z]`/`[!abc]` one of or none of,
 * `{a,b}` either, `\` escapes. An unclosed `[` or `{` is a bad pattern.
 */
export function compileChannelGlob(pattern: string): (channel: string) => boolean {
  let source = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escape(pattern[++i]!);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) throw new Error(`unclosed [ at ${i}`);
      const body = pattern.slice(i + 1, end);
      source += body.startsWith('!') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      source += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (c === ',' && braces > 0) source += '|';
    else source += escape(c);
  }
  if (braces > 0) throw new Error('unclosed {');
  const regexp = new RegExp(`^${source}$`, 's');
  return (channel) => regexp.test(channel);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Inside a class only `\`, `]` and `^` mean something; `-` stays a range. */
function escapeClass(body: string): string {
  return body.replace(/[\\\]^]/g, '\\$&');
}
