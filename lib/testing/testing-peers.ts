import type { Centrifuge } from 'centrifuge';
import type { Test } from '@nestjs/testing';

/** The kit's optional peers, loaded on first use so that a missing one can be named (a static import fails with Node's bare message). */
export interface TestingPeers {
  Test: typeof Test;
  Centrifuge: typeof Centrifuge;
}

let loaded: Promise<TestingPeers> | undefined;

export function testingPeers(): Promise<TestingPeers> {
  loaded ??= importPeers(['@nestjs/testing', 'centrifuge']).then(([testing, centrifuge]) => ({
    Test: (testing as typeof import('@nestjs/testing')).Test,
    Centrifuge: (centrifuge as typeof import('centrifuge')).Centrifuge,
  }));
  return loaded;
}

/** Imports every package of `names`, or rejects naming all that are not installed, with the command that installs them. */
export async function importPeers(names: string[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(names.map((name) => import(name)));
  const missing = names.filter((name, i) => {
    const outcome = outcomes[i]!;
    return outcome.status === 'rejected' && isNotFound(outcome.reason, name);
  });
  if (missing.length > 0) {
    throw new Error(
      `@streaming/nest/testing needs ${missing.join(' and ')}, not installed here: npm install --save-dev ${missing.join(' ')}`,
    );
  }
  return outcomes.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
}

function isNotFound(err: unknown, name: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(message).includes(name);
}
