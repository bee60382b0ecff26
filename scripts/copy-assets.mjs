#!/usr/bin/env node
// Copies the files the library reads at run time and tsc does not emit (the admin dashboard's page)
// into a build of lib/: `node scripts/copy-assets.mjs <outDir>`.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function copyAssets(outDir) {
  cpSync(join(root, 'lib/admin/assets'), join(outDir, 'admin/assets'), { recursive: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copyAssets(process.argv[2] ?? join(root, 'dist'));
