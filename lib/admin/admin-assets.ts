import { readFileSync } from 'node:fs';

/** The dashboard's page, script and style, shipped beside this module (`assets/`, copied into dist by the build). */
export interface AdminAsset {
  type: string;
  body: Buffer;
}

const files: Record<string, string> = {
  '': 'index.html',
  '/admin.js': 'admin.js',
  '/admin.css': 'admin.css',
};

const types: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * Read once at start-up (a missing file is a broken package, better known before an operator needs
 * the page); the page's `<base href>` is the dashboard's path, so its relative URLs work under any `admin.path`.
 */
export function loadAdminAssets(path: string): Map<string, AdminAsset> {
  const assets = new Map<string, AdminAsset>();
  for (const [route, file] of Object.entries(files)) {
    let body = readFileSync(new URL(`./assets/${file}`, import.meta.url));
    if (file === 'index.html') body = Buffer.from(body.toString('utf8').replace('{{base}}', `${path}/`));
    assets.set(route, { type: types[file.split('.').pop()!]!, body });
  }
  return assets;
}
