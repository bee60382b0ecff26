/** A channel glob: `*` matches any run of characters (also none), everything else matches itself. */
export function compileChannelPattern(pattern: string): (channel: string) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (channel) => channel === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regexp = new RegExp(`^${source}$`, 's');
  return (channel) => regexp.test(channel);
}
