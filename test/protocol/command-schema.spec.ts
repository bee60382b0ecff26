import { fieldError, validateRequest } from '../../lib/protocol/command-schema.js';

describe('validateRequest', () => {
  it('keeps the fields its method names, of their types, and drops the rest', () => {
    expect(validateRequest('subscribe', { channel: 'a', recover: true, epoch: 'e', offset: 0, positioned: false, join_leave: true, delta: 'fossil', other: 1 })).toEqual({
      channel: 'a',
      recover: true,
      epoch: 'e',
      offset: 0,
      positioned: false,
      join_leave: true,
      delta: 'fossil',
    });
  });

  it('keeps null data where data is required (published as null) and drops it where it is optional', () => {
    expect(validateRequest('publish', { channel: 'a', data: null })).toEqual({ channel: 'a', data: null });
    expect(validateRequest('rpc', { method: 'echo', data: null })).toEqual({ method: 'echo' });
    expect(validateRequest('subscribe', { channel: 'a', token: null })).toEqual({ channel: 'a' });
  });

  it.each([
    ['subscribe', [], 'subscribe must be an object'],
    ['subscribe', null, 'subscribe must be an object'],
    ['publish', { channel: 'a' }, 'publish.data is required'],
    ['subscribe', { channel: null }, 'subscribe.channel is required'],
    ['refresh', { token: '' }, 'refresh.token is required'],
    ['sub_refresh', { channel: 'a' }, 'sub_refresh.token is required'],
    ['subscribe', { channel: 1 }, 'subscribe.channel must be a string'],
    ['subscribe', { channel: 'a', recover: 'yes' }, 'subscribe.recover must be a boolean'],
    ['history', { channel: 'a', limit: 1.5 }, 'history.limit must be an integer'],
    ['history', { channel: 'a', limit: '5' }, 'history.limit must be an integer'],
    ['connect', { headers: { a: 'b', c: 2 } }, 'connect.headers must be an object of strings'],
    ['connect', { headers: ['b'] }, 'connect.headers must be an object of strings'],
    ['connect', { subs: [] }, 'connect.subs must be an object'],
    ['connect', { subs: { 'chat:a': true } }, 'connect.subs chat:a must be an object'],
    ['connect', { subs: { 'chat:a': { recover: 1 } } }, 'connect.subs chat:a: subscribe.recover must be a boolean'],
  ] as const)('refuses %s %j: %s', (method, body, reason) => {
    expect(validateRequest(method, body)).toBe(reason);
  });

  it('takes a subscription of connect by its key, without a channel field', () => {
    expect(validateRequest('connect', { subs: { 'chat:a': { recover: true, offset: 2, epoch: 'e' } } })).toEqual({ subs: { 'chat:a': { recover: true, offset: 2, epoch: 'e' } } });
  });
});

describe('fieldError', () => {
  it.each([
    [{}, undefined],
    [{ offset: 0, epoch: '' }, undefined],
    [{ offset: 5 }, undefined],
    [{ offset: -1, epoch: 'e' }, 'must be {offset, epoch}'],
    [{ offset: 1.5, epoch: 'e' }, 'must be {offset, epoch}'],
    [{ offset: 2 ** 53, epoch: 'e' }, 'must be {offset, epoch}'],
    [{ offset: 1, epoch: 7 }, 'must be {offset, epoch}'],
    [[], 'must be {offset, epoch}'],
    ['1', 'must be {offset, epoch}'],
  ])('reads a position %j as %s', (value, reason) => {
    expect(fieldError('position', value)).toBe(reason);
  });

  it('checks arrays of strings and takes anything as "any"', () => {
    expect(fieldError('stringArray', ['a', 'b'])).toBeUndefined();
    expect(fieldError('stringArray', ['a', 1])).toBe('must be an array of strings');
    expect(fieldError('stringArray', 'a')).toBe('must be an array of strings');
    expect(fieldError('any', undefined)).toBeUndefined();
    expect(fieldError('stringMap', {})).toBeUndefined();
    expect(fieldError('stringMap', null)).toBe('must be an object of strings');
  });
});
