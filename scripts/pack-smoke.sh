#!/usr/bin/env bash
# Proves the published shape works: build, `npm pack`, install the tarball into a fresh Nest app
# (outside this repo), then connect the official SDK to it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
npm run build >/dev/null
tarball="$(npm pack --silent --pack-destination "$work")"

version() { node -p "require('$root/package-lock.json').packages['node_modules/$1'].version"; }

mkdir -p "$work/app"
cat >"$work/app/package.json" <<JSON
{
  "name": "pack-smoke-app",
  "private": true,
  "type": "module",
  "dependencies": {
    "@streaming/nest": "file:$work/$tarball",
    "@nestjs/common": "$(version @nestjs/common)",
    "@nestjs/core": "$(version @nestjs/core)",
    "@nestjs/platform-express": "$(version @nestjs/platform-express)",
    "reflect-metadata": "$(version reflect-metadata)",
    "rxjs": "$(version rxjs)",
    "centrifuge": "$(version centrifuge)",
    "ws": "$(version ws)"
  }
}
JSON
cp "$root/scripts/pack-smoke-app.mjs" "$work/app/main.mjs"
cd "$work/app"
npm install --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
node main.mjs
