import { ROUTE_ARGS_METADATA as NEST_ROUTE_ARGS_METADATA, RouteParamtypes } from '@nestjs/common/internal';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BODY_PARAMTYPE, REQUEST_PARAMTYPE, ROUTE_ARGS_METADATA } from '../lib/handlers/nest-route-args.js';

const LIB = join(import.meta.dirname, '..', 'lib');

/** Nest's deep paths and `internal` entry are not its public API: a minor may move them. */
describe('Nest internals', () => {
  it('lib/ imports @nestjs packages by their entry points only', () => {
    const deepImports: string[] = [];
    for (const file of readdirSync(LIB, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(LIB, file), 'utf8');
      for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*)['"](@nestjs\/[^/'"]+\/[^'"]+)['"]/g)) {
        deepImports.push(`${file}: ${match[1]}`);
      }
    }
    expect(deepImports).toEqual([]);
  });

  // Here only, as a canary: the constants read from Nest's public decorators are its internal ones.
  it('reads the route-args key and the body and request param types from the public decorators', () => {
    expect(ROUTE_ARGS_METADATA).toBe(NEST_ROUTE_ARGS_METADATA);
    expect(BODY_PARAMTYPE).toBe(RouteParamtypes.BODY);
    expect(REQUEST_PARAMTYPE).toBe(RouteParamtypes.REQUEST);
  });
});
