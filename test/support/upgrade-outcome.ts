import WebSocket from 'ws';

/** Opens a WebSocket: resolves with the HTTP status of a refused upgrade, or 'open' (then closes it). */
export function upgradeOutcome(url: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}
