import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Backend } from '../lib/backends/backend.interface.js';
import { Node } from '../lib/engine/node.js';
import { StreamingHealthIndicator, StreamingModule } from '../lib/index.js';
import { BACKEND } from '../lib/streaming.constants.js';
import { HealthController } from '../sample/health.controller.js';
import { startApp, type TestApp } from './support/app.js';

async function get(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

// The sample's own probes: the controller an app writes, over the real indicator.
describe('health indicator through @nestjs/terminus', () => {
  let server: TestApp;

  beforeEach(async () => {
    server = await startApp({}, [], undefined, { imports: [TerminusModule], controllers: [HealthController] });
  });
  afterEach(() => server.close());

  it('is live and ready with the endpoint accepting and the backend answering, with its latency', async () => {
    const live = await get(`${server.httpUrl}/health`);
    expect(live).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    expect(live.body.info.streaming).toEqual({ status: 'up', accepting: true, draining: false });
    const ready = await get(`${server.httpUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.info.streaming).toEqual({
      status: 'up',
      accepting: true,
      draining: false,
      backend: { reachable: true, latencyMs: expect.any(Number) },
    });
  });

  it('is not ready while the backend is down, but still live', async () => {
    await server.app.get<symbol, Backend>(BACKEND).broker.close();
    const ready = await get(`${server.httpUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.streaming).toMatchObject({ status: 'down', backend: { reachable: false, error: 'the memory broker is not running' } });
    expect((await get(`${server.httpUrl}/health`)).status).toBe(200);
  });

  it('is not ready when the backend does not answer in time', async () => {
    // The memory backend always answers at once; a Redis one can hang, which this stands in for.
    server.app.get<symbol, Backend>(BACKEND).ping = () => new Promise(() => {});
    const ready = await get(`${server.httpUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.streaming.backend).toMatchObject({ reachable: false, error: 'no answer in 1000 ms' });
  });

  it('is not ready while draining, and still live', async () => {
    server.app.get(Node).draining = true;
    const ready = await get(`${server.httpUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.streaming).toMatchObject({ status: 'down', accepting: false, draining: true });
    expect((await get(`${server.httpUrl}/health`)).status).toBe(200);
  });

  it('is not live once the node stops taking connections without a drain', async () => {
    // `shutdown` always drains now: a node stopped without one is a broken node, set by hand here.
    server.app.get(Node).stopped = true;
    const live = await get(`${server.httpUrl}/health`);
    expect(live.status).toBe(503);
    expect(live.body.error.streaming).toEqual({ status: 'down', accepting: false, draining: false });
  });

  it('does not count the endpoint as accepting before the HTTP server listens', async () => {
    @Module({ imports: [StreamingModule.forRoot({})] })
    class NotListening {}
    const app = await NestFactory.create(NotListening, { logger: false });
    await app.init();
    try {
      expect(app.get(StreamingHealthIndicator).isAlive()).toEqual({ streaming: { status: 'down', accepting: false, draining: false } });
    } finally {
      await app.close();
    }
  });

  it('serves no server API without a key', async () => {
    const response = await fetch(`${server.httpUrl}/api/info`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });
});
