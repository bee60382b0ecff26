#!/usr/bin/env bash
# Proves the published shape works: build, `npm pack`, install the tarball into a fresh app outside
# this repo, then run it against the official SDK as
#   - a CommonJS Nest app (no "type", TypeScript `module: nodenext`, as `nest new` makes it) with a
#     WsAdapter gateway beside the endpoint, compiled by tsc with `skipLibCheck: false` against the
#     newest @types/node, run through Node's require(esm);
#   - an ES module app in plain JavaScript;
# then tests a handler with the testing kit (`@streaming/nest/testing`, optional peers centrifuge and
# @nestjs/testing) from both kinds of app, type-checked the same way (the ES module one with checkJs),
# checks that both entries resolve to their declarations for CommonJS and ES module importers, and
# checks the package's own files (LICENSE, source maps with their sources).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
npm run build >/dev/null
tarball="$(npm pack --silent --pack-destination "$work")"

version() { node -p "require('$root/package-lock.json').packages['node_modules/$1'].version"; }
newest_types_node="$(npm view @types/node@latest version --prefer-online 2>/dev/null)"

mkdir -p "$work/app"
cat >"$work/app/package.json" <<JSON
{
  "name": "pack-smoke-app",
  "private": true,
  "dependencies": {
    "@streaming/nest": "file:$work/$tarball",
    "@nestjs/common": "$(version @nestjs/common)",
    "@nestjs/core": "$(version @nestjs/core)",
    "@nestjs/platform-express": "$(version @nestjs/platform-express)",
    "@nestjs/platform-ws": "$(version @nestjs/platform-ws)",
    "@nestjs/testing": "$(version @nestjs/testing)",
    "@nestjs/websockets": "$(version @nestjs/websockets)",
    "reflect-metadata": "$(version reflect-metadata)",
    "rxjs": "$(version rxjs)",
    "centrifuge": "$(version centrifuge)",
    "ws": "$(version ws)"
  },
  "devDependencies": {
    "typescript": "$(version typescript)",
    "@types/node": "$newest_types_node",
    "@types/ws": "$(version @types/ws)"
  }
}
JSON
cp "$root/scripts/pack-smoke/cjs-app.ts" "$work/app/main.ts"
cp "$root/scripts/pack-smoke/cjs-testing.ts" "$work/app/testing.ts"
cp "$root/scripts/pack-smoke/tsconfig.json" "$work/app/tsconfig.json"
cp "$root/scripts/pack-smoke/esm-app.mjs" "$work/app/esm.mjs"
cp "$root/scripts/pack-smoke/esm-testing.mjs" "$work/app/esm-testing.mjs"
cp "$root/scripts/pack-smoke/check-types.mjs" "$work/app/check-types.mjs"
cp "$root/scripts/pack-smoke/check-package.mjs" "$work/app/check-package.mjs"
cd "$work/app"
npm install --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
node check-types.mjs
echo "pack smoke: compiling the CommonJS app and checking the ES module one with @types/node $newest_types_node, skipLibCheck off"
npx tsc -p tsconfig.json
node dist/main.js
node esm.mjs
node dist/testing.js
node esm-testing.mjs
node check-package.mjs
