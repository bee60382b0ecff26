import { ChannelResolver } from '../lib/engine/channel-resolver.js';

/** Channel names to namespaces: the top level, the length limit at its edge, bad characters, unknown namespaces. */
describe('ChannelResolver', () => {
  const resolver = new ChannelResolver({ presence: true }, { chat: { historySize: 5, historyTtl: 60 } }, 16);

  it('resolves a name without a separator to the top-level options, and a prefix to its namespace', () => {
    expect(resolver.resolve('general')).toMatchObject({ namespace: '', options: { presence: true } });
    expect(resolver.resolve('chat:a:b')).toMatchObject({ namespace: 'chat', options: { historySize: 5, presence: false } });
  });

  it('accepts a name of exactly the maximum length and refuses a longer one with 106', () => {
    expect(resolver.resolve(`chat:${'x'.repeat(11)}`).namespace).toBe('chat');
    expect(() => resolver.resolve(`chat:${'x'.repeat(12)}`)).toThrow(expect.objectContaining({ code: 106, message: 'limit exceeded: channel name longer than 16' }));
  });

  it('refuses whitespace and control characters with 107, and unknown namespaces with 102', () => {
    expect(() => resolver.resolve('chat:a b')).toThrow(expect.objectContaining({ code: 107, message: 'bad request: channel name has whitespace or control characters' }));
    expect(() => resolver.resolve('chat:\u007f')).toThrow(expect.objectContaining({ code: 107 }));
    expect(() => resolver.resolve('nope:x')).toThrow(expect.objectContaining({ code: 102 }));
  });
});
