// The installed package's own files: the licence, and source maps that resolve without the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join('node_modules', '@streaming', 'nest');
const problems = [];
if (!existsSync(join(root, 'LICENSE'))) problems.push('no LICENSE in the package');

const files = readdirSync(join(root, 'dist'), { recursive: true }).map(String);
for (const file of files.filter((f) => f.endsWith('.js'))) {
  const mapFile = `${file}.map`;
  if (!files.includes(mapFile)) continue;
  const map = JSON.parse(readFileSync(join(root, 'dist', mapFile), 'utf8'));
  const contents = map.sourcesContent ?? [];
  if (map.sources.some((_, i) => typeof contents[i] !== 'string')) problems.push(`${mapFile} points to sources outside the package`);
}
for (const file of files.filter((f) => f.endsWith('.d.ts'))) {
  if (readFileSync(join(root, 'dist', file), 'utf8').includes('JsonWebKey')) problems.push(`${file} names node:crypto's JsonWebKey`);
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`pack smoke: LICENSE present, ${files.filter((f) => f.endsWith('.map')).length} source maps carry their sources`);
