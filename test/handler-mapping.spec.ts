import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { compileChannelPattern } from '../lib/handlers/channel-pattern.js';
import { mapException } from '../lib/handlers/exception-mapper.js';
import { DisconnectCode, ErrorCode } from '../lib/protocol/codes.js';
import { DisconnectError, StreamingError } from '../lib/protocol/protocol-error.js';
import { CapturingLogger } from './support/capturing-logger.js';

/** The pure parts of the handlers: channel patterns of the decorators, exceptions mapped to protocol errors. */
describe('compileChannelPattern', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['chat:*', 'chat:general', true],
    ['chat:*', 'chat:', true],
    ['chat:*', 'chat:a:b', true],
    ['chat:*', 'chatroom', false],
    ['chat:*', 'xchat:a', false],
    ['chat:team-*', 'chat:team-red', true],
    ['chat:team-*', 'chat:general', false],
    ['*:team-*', 'dm:team-1', true],
    ['news', 'news', true],
    ['news', 'news:x', false],
    ['a.b', 'axb', false],
    ['a.b*', 'a.bc', true],
    ['[x]+*', '[x]+y', true],
  ])('%s matches %s: %s', (pattern, channel, expected) => {
    expect(compileChannelPattern(pattern)(channel)).toBe(expected);
  });
});

describe('mapException', () => {
  const logger = new CapturingLogger();
  beforeAll(() => Logger.overrideLogger(logger));
  beforeEach(() => (logger.lines.length = 0));

  it.each([
    ['400 with a string', new BadRequestException('bad shape'), 107, 'bad shape'],
    ['400 with a list', new BadRequestException(['a is wrong', 'b is wrong']), 107, 'a is wrong; b is wrong'],
    ['400 without a message', new HttpException({ error: 'x' }, 400), 107, 'bad request'],
    ['400 with an Error as cause', new HttpException(new Error('internal detail'), 400), 107, 'bad request'],
    ['401', new UnauthorizedException(), 101, 'Unauthorized'],
    ['403', new ForbiddenException('members only'), 103, 'members only'],
    ['404', new NotFoundException('no such room'), 102, 'no such room'],
    ['413', new PayloadTooLargeException(), 106, 'Payload Too Large'],
    ['429', new HttpException('slow down', 429), 111, 'slow down'],
    ['another 4xx', new HttpException('gone', 410), 107, 'gone'],
    ['5xx', new InternalServerErrorException('db password wrong'), 100, 'internal server error'],
    ['a WsException with a string', new WsException('not yours'), 103, 'not yours'],
    ['a WsException with a code', new WsException({ code: 1001, message: 'quota used up' }), 1001, 'quota used up'],
    ['a WsException without a message', new WsException({ code: 102 }), 102, 'unknown channel'],
    ['an Error', new Error('boom'), 100, 'internal server error'],
    ['a string', 'boom', 100, 'internal server error'],
  ])('maps %s', (_name, thrown, code, message) => {
    const err = mapException(thrown);
    expect(err).toBeInstanceOf(StreamingError);
    expect((err as StreamingError).code).toBe(code);
    expect(err.message).toBe(message);
    expect((err as StreamingError).temporary).toBe(code === 100 || code === 111);
  });

  it('logs what it hides, and only that', () => {
    mapException(new InternalServerErrorException('db password wrong'));
    mapException('plain string');
    mapException(new ForbiddenException());
    const errors = logger.errors('Streaming');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('db password wrong');
    expect(errors[1]).toContain('plain string');
  });

  it('passes protocol errors through unchanged', () => {
    const streaming = new StreamingError(ErrorCode.AlreadySubscribed);
    const disconnect = DisconnectError.of(DisconnectCode.InvalidToken);
    expect(mapException(streaming)).toBe(streaming);
    expect(mapException(disconnect)).toBe(disconnect);
    expect(logger.lines).toEqual([]);
  });
});
