import { compileChannelGlob } from '../lib/manager/channel-glob.js';

describe('channel patterns of the channels API', () => {
  it.each<[string, string[], string[]]>([
    ['chat:*', ['chat:', 'chat:a', 'chat:a:b'], ['chat', 'news:a']],
    ['chat:?', ['chat:a'], ['chat:', 'chat:ab']],
    ['room-[12]', ['room-1', 'room-2'], ['room-3']],
    ['room-[a-c]', ['room-b'], ['room-d']],
    ['room-[!a-c]', ['room-d'], ['room-a']],
    ['{chat,news}:x', ['chat:x', 'news:x'], ['blog:x']],
    ['a.b+c(d)', ['a.b+c(d)'], ['aXb+c(d)', 'a.bbc(d)']],
    ['literal\\*', ['literal*'], ['literalX']],
  ])('%s', (pattern, matching, other) => {
    const matches = compileChannelGlob(pattern);
    for (const channel of matching) expect([channel, matches(channel)]).toEqual([channel, true]);
    for (const channel of other) expect([channel, matches(channel)]).toEqual([channel, false]);
  });

  it.each(['room-[', 'a{b,c', 'x[]'])('refuses %s', (pattern) => {
    expect(() => compileChannelGlob(pattern)).toThrow(/unclosed/);
  });
});
