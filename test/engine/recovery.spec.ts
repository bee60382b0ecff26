import { isRecovered, mergeBuffered } from '../../lib/engine/recovery.js';
import type { Publication } from '../../lib/protocol/frames.js';

const pubs = (...offsets: number[]): Publication[] => offsets.map((offset) => ({ data: offset, offset }));

describe('isRecovered', () => {
  const top = { offset: 5 };

  it('is true for a gapless run from the client offset to the top', () => {
    expect(isRecovered(pubs(3, 4, 5), top, { offset: 2 })).toBe(true);
  });

  it('is true with nothing missed', () => {
    expect(isRecovered([], top, { offset: 5 })).toBe(true);
  });

  it('is false when history lost the oldest missed publications', () => {
    expect(isRecovered(pubs(4, 5), top, { offset: 2 })).toBe(false);
  });

  it('is false when the page stops short of the top, or nothing came back but the top moved', () => {
    expect(isRecovered(pubs(3, 4), top, { offset: 2 })).toBe(false);
    expect(isRecovered([], top, { offset: 3 })).toBe(false);
  });
});

describe('mergeBuffered', () => {
  it('appends buffered publications newer than what history gave, dropping duplicates', () => {
    expect(mergeBuffered(pubs(3, 4), 4, pubs(4, 5, 6)).map((p) => p.offset)).toEqual([3, 4, 5, 6]);
  });

  it('uses the known top when history gave nothing', () => {
    expect(mergeBuffered([], 7, pubs(6, 7, 8)).map((p) => p.offset)).toEqual([8]);
  });

  it('keeps buffered publications without an offset (not in history)', () => {
    const ephemeral: Publication = { data: 'x' };
    expect(mergeBuffered(pubs(3), 3, [ephemeral, ...pubs(3, 4)])).toEqual([...pubs(3), ephemeral, ...pubs(4)]);
  });
});
