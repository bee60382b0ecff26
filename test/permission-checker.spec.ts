import { ChannelResolver } from '../lib/engine/channel-resolver.js';
import { Permission, Presets, type StreamingModuleOptions } from '../lib/index.js';
import { resolveOptions } from '../lib/options/resolve-options.js';
import { StreamingOptionsError } from '../lib/options/streaming-options-error.js';
import { PermissionChecker } from '../lib/permissions/permission-checker.js';
import { describePermissions } from '../lib/permissions/permission.enum.js';

const { Subscribe, Publish, Presence, History, JoinLeave, ReadOnly, Standard, All, None } = Permission;

function checker(options: StreamingModuleOptions): PermissionChecker {
  const resolved = resolveOptions(options);
  return new PermissionChecker(resolved, new ChannelResolver(resolved.channel, resolved.namespaces, resolved.maxChannelLength));
}

const alice = { user: 'alice' };
const anonymous = { user: '' };
const namespaces = { chat: {}, dm: {}, personal: Presets.Personal, news: {} };

describe('Permission', () => {
  it('has one bit per flag and builds the bundles from them', () => {
    const flags = [Subscribe, Publish, Presence, History, JoinLeave];
    expect(flags.every((flag) => flag > 0 && (flag & (flag - 1)) === 0)).toBe(true);
    expect(new Set(flags).size).toBe(flags.length);
    expect(ReadOnly).toBe(Subscribe | Presence | History);
    expect(Standard).toBe(ReadOnly | Publish | JoinLeave);
    expect(All).toBe(flags.reduce((all, flag) => all | flag, None));
  });
});

describe('PermissionChecker', () => {
  describe('rules', () => {
    const check = checker({
      namespaces,
      permissions: {
        rules: [
          { pattern: '*', permissions: ReadOnly },
          { pattern: 'chat:*', permissions: Standard },
          { pattern: 'chat:team-*', permissions: ReadOnly },
          { pattern: 'chat:lobby', permissions: Subscribe },
          { pattern: 'chat:*-archive', permissions: History },
        ],
      },
    });

    it('lets the most specific matching rule grant: exact name, then fewer wildcards, then more literal text', () => {
      expect(check.permissionsFor(alice, 'chat:lobby')).toBe(Subscribe);
      expect(check.permissionsFor(alice, 'chat:team-red')).toBe(ReadOnly);
      expect(check.permissionsFor(alice, 'chat:general')).toBe(Standard);
      expect(check.permissionsFor(alice, 'news:today')).toBe(ReadOnly);
      // `chat:team-*` and `chat:*-archive` both have one wildcard; the longer literal part (`chat:-archive`) wins.
      expect(check.permissionsFor(alice, 'chat:team-red-archive')).toBe(History);
    });

    it('ranks fewer wildcards above a longer literal part', () => {
      const wild = checker({
        namespaces,
        permissions: { rules: [{ pattern: '*chat:*team*', permissions: History }, { pattern: 'chat:*', permissions: Subscribe }] },
      });
      expect(wild.permissionsFor(alice, 'chat:team-red')).toBe(Subscribe);
    });

    it('breaks ties between equally specific rules by declaration order', () => {
      const tie = checker({
        namespaces,
        permissions: { rules: [{ pattern: 'chat:a*', permissions: Publish }, { pattern: 'chat:*b', permissions: Subscribe }] },
      });
      expect(tie.permissionsFor(alice, 'chat:ab')).toBe(Publish);
    });

    it('takes away what any matching rule denies, whatever the most specific one grants', () => {
      const denying = checker({
        namespaces,
        permissions: {
          rules: [
            { pattern: '*', deny: Publish },
            { pattern: 'chat:*', permissions: All, users: { alice: All }, roles: { admin: All } },
          ],
        },
      });
      expect(denying.permissionsFor(alice, 'chat:x')).toBe(All & ~Publish);
      expect(denying.permissionsFor({ user: 'root', roles: ['admin'] }, 'chat:x')).toBe(All & ~Publish);
    });

    it('adds role grants to the base and lets a per-user override replace both', () => {
      const roles = checker({
        namespaces,
        permissions: {
          rules: [
            {
              pattern: 'chat:*',
              permissions: Subscribe,
              roles: { writer: Publish, reader: History },
              users: { mallory: None, bob: Presence },
            },
          ],
        },
      });
      expect(roles.permissionsFor(alice, 'chat:x')).toBe(Subscribe);
      expect(roles.permissionsFor({ user: 'carol', roles: ['writer', 'reader'] }, 'chat:x')).toBe(Subscribe | Publish | History);
      expect(roles.permissionsFor({ user: 'mallory', roles: ['writer'] }, 'chat:x')).toBe(None);
      expect(roles.permissionsFor({ user: 'bob', roles: ['writer'] }, 'chat:x')).toBe(Presence);
    });

    it('never reads user or role grants off Object.prototype', () => {
      const plain = checker({ namespaces, permissions: { rules: [{ pattern: 'chat:*', permissions: Subscribe, roles: {}, users: {} }] } });
      expect(plain.permissionsFor({ user: 'constructor', roles: ['toString', '__proto__'] }, 'chat:x')).toBe(Subscribe);
    });

    it('gives anonymous clients allowAnonymous only, and nothing where any matching rule requires auth', () => {
      const anon = checker({
        namespaces,
        permissions: {
          rules: [
            { pattern: 'news:*', permissions: Standard, allowAnonymous: ReadOnly },
            { pattern: 'chat:*', permissions: Standard, allowAnonymous: true },
            { pattern: 'chat:staff-*', permissions: Standard },
            { pattern: 'dm:*', requireAuth: true },
            { pattern: 'dm:open', permissions: ReadOnly, allowAnonymous: ReadOnly },
          ],
        },
      });
      expect(anon.permissionsFor(anonymous, 'news:x')).toBe(ReadOnly);
      expect(anon.permissionsFor(anonymous, 'chat:x')).toBe(Standard);
      expect(anon.permissionsFor(anonymous, 'chat:staff-room')).toBe(None);
      expect(anon.permissionsFor(anonymous, 'dm:open')).toBe(None);
      expect(anon.permissionsFor(alice, 'dm:open')).toBe(ReadOnly);
    });

    it('takes maxSubscribers from the most specific rule that sets it, else from the namespace', () => {
      const max = checker({
        namespaces: { chat: { maxSubscribers: 50 }, news: {} },
        permissions: { rules: [{ pattern: 'chat:big-*', maxSubscribers: 500 }, { pattern: 'chat:big-x', permissions: Standard }] },
      });
      expect(max.maxSubscribers('chat:big-x')).toBe(500);
      expect(max.maxSubscribers('chat:small')).toBe(50);
      expect(max.maxSubscribers('news:x')).toBe(0);
    });
  });

  describe('without rules: the namespace options', () => {
    const check = checker({
      namespaces: {
        chat: { allowPublishForSubscriber: true },
        board: { allowPublishForClient: true, allowSubscribeForAnonymous: true },
        open: { allowPublishForClient: true, allowPublishForAnonymous: true, allowSubscribeForAnonymous: true },
        locked: { allowSubscribeForClient: false, allowHistoryForSubscriber: false },
      },
    });

    it('maps allow* options to the same permissions, publish and reads depending on being subscribed', () => {
      expect(check.permissionsFor(alice, 'chat:x')).toBe(Subscribe | JoinLeave);
      expect(check.permissionsFor(alice, 'chat:x', { subscribed: true })).toBe(All);
      expect(check.permissionsFor(alice, 'board:x')).toBe(Subscribe | Publish | JoinLeave);
      expect(check.permissionsFor(anonymous, 'board:x')).toBe(Subscribe | JoinLeave);
      expect(check.permissionsFor(anonymous, 'open:x')).toBe(Subscribe | Publish | JoinLeave);
      expect(check.permissionsFor(alice, 'locked:x')).toBe(JoinLeave);
      expect(check.permissionsFor(alice, 'locked:x', { token: true, subscribed: true })).toBe(Subscribe | Presence | JoinLeave);
    });

    it('answers the protocol errors of unknown namespaces and bad names', () => {
      expect(() => check.permissionsFor(alice, 'nope:x')).toThrow(expect.objectContaining({ code: 102 }));
      expect(() => check.permissionsFor(alice, 'chat:a\u0000b')).toThrow(expect.objectContaining({ code: 107 }));
    });
  });

  describe('user-limited # channels', () => {
    const check = checker({
      namespaces: { dm: { allowSubscribeForClient: false, allowPublishForSubscriber: true }, personal: Presets.Personal },
      permissions: { rules: [{ pattern: 'personal:*', deny: Publish }] },
    });

    it('admits exactly the users after the last #, whatever else would allow', () => {
      for (const user of ['alice', 'bob']) {
        expect(check.can({ user }, 'dm:#alice,bob', Subscribe)).toBe(true);
        expect(check.can({ user }, 'dm:#alice,bob', Publish | History | Presence, { subscribed: true })).toBe(true);
      }
      expect(check.permissionsFor({ user: 'carol' }, 'dm:#alice,bob', { subscribed: true, token: true })).toBe(None);
      expect(check.permissionsFor(anonymous, 'dm:#alice,bob')).toBe(None);
      // An empty name in the list is not a seat for anonymous clients (user "").
      expect(check.permissionsFor(anonymous, 'dm:#alice,')).toBe(None);
      expect(check.permissionsFor(anonymous, 'dm:#')).toBe(None);
      expect(check.permissionsFor({ user: 'alice,bob' }, 'dm:#alice,bob')).toBe(None);
      expect(check.permissionsFor(alice, 'dm:#bob#alice')).not.toBe(None);
      expect(check.permissionsFor(alice, 'dm:#alice#bob')).toBe(None);
    });

    it('keeps a personal channel to its user, and rule denials apply to members', () => {
      expect(check.can(alice, 'personal:#alice', Subscribe)).toBe(true);
      expect(check.can(alice, 'personal:#alice', Publish, { subscribed: true })).toBe(false);
      expect(check.can({ user: 'bob' }, 'personal:#alice', Subscribe)).toBe(false);
      expect(check.can(alice, 'personal:alice', Subscribe)).toBe(false);
    });
  });
});

describe('presets and permissions options', () => {
  it('resolves a preset by name or by spreading, with fields overriding it one by one', () => {
    const { namespaces } = resolveOptions({
      namespaces: { a: { preset: 'chat', historySize: 500 }, b: { ...Presets.Chat, presence: false }, c: { preset: 'public' } },
    });
    const resolver = new ChannelResolver({}, namespaces, 255);
    expect(resolver.resolve('a:x').options).toMatchObject({ ...Presets.Chat, historySize: 500 });
    expect(resolver.resolve('b:x').options).toMatchObject({ ...Presets.Chat, presence: false });
    expect(resolver.resolve('c:x').options).toMatchObject({ allowSubscribeForAnonymous: true, allowPublishForSubscriber: false });
  });

  it.each([
    [{ namespaces: { a: { preset: 'lobby' } } }, /namespaces\.a\.preset must be one of chat, notification/],
    [{ namespaces: { a: { preset: 'chat', historySize: 0 } } }, /namespaces\.a\.forceRecovery needs historySize/],
    [{ namespaces: { a: { maxSubscribers: -1 } } }, /namespaces\.a\.maxSubscribers must be a number >= 0/],
    [{ namespaces: { a: { allowedDeltaTypes: ['bsdiff'] } } }, /namespaces\.a\.allowedDeltaTypes must be a list of fossil, got \["bsdiff"\]/],
    [{ namespaces: { a: { allowedDeltaTypes: {} } } }, /namespaces\.a\.allowedDeltaTypes must be a list of fossil/],
    [{ permissions: { rules: {} } }, /permissions\.rules must be an array/],
    [{ permissions: { rule: [] } }, /permissions\.rule is not a permissions option/],
    [{ permissions: { rules: [{ permissions: Standard }] } }, /permissions\.rules\[0\]\.pattern must be a non-empty string/],
    [{ permissions: { rules: [{ pattern: '*', permission: Standard }] } }, /permissions\.rules\[0\]\.permission is not a rule option/],
    [{ permissions: { rules: [{ pattern: '*', permissions: 64 }] } }, /permissions\.rules\[0\]\.permissions must be Permission flags/],
    [{ permissions: { rules: [{ pattern: '*', deny: 'Publish' }] } }, /permissions\.rules\[0\]\.deny must be Permission flags/],
    [{ permissions: { rules: [{ pattern: '*', roles: { admin: true } }] } }, /permissions\.rules\[0\]\.roles\.admin must be Permission flags/],
    [{ permissions: { rules: [{ pattern: '*', requireAuth: true, allowAnonymous: ReadOnly }] } }, /requireAuth contradicts allowAnonymous/],
    [{ permissions: { rules: [{ pattern: '*', maxSubscribers: 1.5 }] } }, /maxSubscribers must be a whole number/],
    [{ permissions: { rules: [{ pattern: '*', maxSubscribers: -1 }] } }, /permissions\.rules\[0\]\.maxSubscribers must be a whole number >= 0/],
    [{ permissions: null }, /permissions must be an object/],
    [{ permissions: { rules: [null] } }, /permissions\.rules\[0\] must be an object/],
    [{ permissions: { rules: [{ pattern: '' }] } }, /permissions\.rules\[0\]\.pattern must be a non-empty string/],
    [{ permissions: { rules: [{ pattern: '*', permissions: -1 }] } }, /permissions\.rules\[0\]\.permissions must be Permission flags/],
    [{ permissions: { rules: [{ pattern: '*', allowAnonymous: 'yes' }] } }, /permissions\.rules\[0\]\.allowAnonymous must be Permission flags/],
    [{ permissions: { rules: [{ pattern: '*', requireAuth: 'yes' }] } }, /permissions\.rules\[0\]\.requireAuth must be a boolean/],
    [{ permissions: { rules: [{ pattern: '*', users: [] }] } }, /permissions\.rules\[0\]\.users must be an object of Permission flags/],
    [{ permissions: { rules: [{ pattern: '*', users: { bob: 'all' } }] } }, /permissions\.rules\[0\]\.users\.bob must be Permission flags/],
  ])('refuses %j at start-up', (options, message) => {
    expect(() => resolveOptions(options as StreamingModuleOptions)).toThrow(StreamingOptionsError);
    expect(() => resolveOptions(options as StreamingModuleOptions)).toThrow(message);
  });

  it('accepts the edge values: no subscribers limit (0), allowAnonymous as a boolean, requireAuth false', () => {
    const rules = [{ pattern: 'a:*', maxSubscribers: 0, allowAnonymous: true, requireAuth: false, permissions: None }];
    expect(resolveOptions({ namespaces: { a: {} }, permissions: { rules } }).permissions.rules).toEqual(rules);
  });

  it('names permissions for logs and refusals', () => {
    expect(describePermissions(None)).toBe('None');
    expect(describePermissions(Subscribe | Publish)).toBe('Subscribe|Publish');
    expect(describePermissions(ReadOnly)).toBe('Subscribe|Presence|History');
    expect(describePermissions(All)).toBe('Subscribe|Publish|Presence|History|JoinLeave');
  });
});
