#!/usr/bin/env node
// Builds the library (dist/) and the sample (.sample-build/) for `npm run sample` and
// `npm run sample:token`. Skips the work when both are newer than every source, so minting a
// token takes a second; when it builds, it builds into fresh directories and swaps them in, so a
// sample running from the old ones keeps its files until the swap.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyAssets } from './copy-assets.mjs';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, '.sample-build', '.built');
const sources = ['lib', 'sample', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const upToDate =
  existsSync(stamp) && existsSync(join(root, 'dist')) && statSync(stamp).mtimeMs >= Math.max(...sources.map((s) => newest(join(root, s))));
if (!upToDate) {
  const tsc = (...args) => execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: root, stdio: 'inherit' });
  const swap = (dir, build) => {
    const fresh = join(root, `${dir}.next`);
    const old = join(root, `${dir}.old`);
    rmSync(fresh, { recursive: true, force: true });
    build(fresh);
    rmSync(old, { recursive: true, force: true });
    if (existsSync(join(root, dir))) renameSync(join(root, dir), old);
    renameSync(fresh, join(root, dir));
    rmSync(old, { recursive: true, force: true });
  };
  swap('dist', (out) => {
    tsc('-p', 'tsconfig.build.json', '--outDir', out);
    copyAssets(out);
  });
  swap('.sample-build', (out) => tsc('-p', 'sample/tsconfig.json', '--outDir', out));
  writeFileSync(stamp, '');
}
