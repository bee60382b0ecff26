import { SharedHeaderValues } from '../../lib/transport/header-values.js';

describe('SharedHeaderValues', () => {
  it('copies every header, names, values and order, arrays included', () => {
    const headers = { host: 'a:1', 'sec-websocket-key': 'k1', 'x-forwarded-for': '1.2.3.4', 'set-cookie': ['a=1', 'b=2'], 'user-agent': 'ua' };
    const kept = new SharedHeaderValues().keep(headers);
    expect(kept).toEqual(headers);
    expect(Object.keys(kept)).toEqual(Object.keys(headers));
    expect(kept).not.toBe(headers);
  });

  // String identity is not observable from JavaScript: the table's size shows what is shared.
  it('keeps one string per value of a repeating header, none of the others', () => {
    const values = new SharedHeaderValues();
    values.keep({ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)', 'sec-websocket-key': 'abc' });
    values.keep({ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)', 'sec-websocket-key': 'def' });
    expect(values.size).toBe(1);
    values.keep({ 'user-agent': 'curl/8', host: 'example.com' });
    expect(values.size).toBe(3);
  });

  it('stays bounded: long values are not kept, and a full table starts over', () => {
    const values = new SharedHeaderValues();
    values.keep({ 'user-agent': 'x'.repeat(600) });
    expect(values.size).toBe(0);
    for (let i = 0; i < 1024; i++) values.keep({ origin: `https://site${i}.example` });
    expect(values.size).toBe(1024);
    values.keep({ origin: 'https://one-more.example' });
    expect(values.size).toBe(1);
  });
});
