import type { FixtureProcess } from '../fixtures/fixture-process.js';

/** The server HTTP API of a fixture node (key `test-api-key`): publishes, reads history... as another service would. */
export async function api(node: FixtureProcess, method: string, params: object): Promise<any> {
  const res = await fetch(`${node.httpUrl}/api/${method}`, { method: 'POST', headers: { 'X-API-Key': 'test-api-key' }, body: JSON.stringify(params) });
  const body = (await res.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}
