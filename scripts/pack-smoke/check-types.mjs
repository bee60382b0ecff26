// Under `moduleResolution: nodenext`, each public entry must resolve to the declarations the package
// ships, for a CommonJS importer (require) and an ES module importer (import) alike. A plain
// JavaScript app would otherwise fall back to `any` without a word. And every file `exports` names
// must be in the package: TypeScript forgives a `types` path to nothing (it takes the .d.ts beside
// the `default` file), other tools do not.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
const expected = {
  '@streaming/nest': 'node_modules/@streaming/nest/dist/index.d.ts',
  '@streaming/nest/testing': 'node_modules/@streaming/nest/dist/testing/index.d.ts',
};
const importers = { CommonJS: ['main.ts', ts.ModuleKind.CommonJS], 'ES module': ['esm.mjs', ts.ModuleKind.ESNext] };

const problems = [];
const root = join('node_modules', '@streaming', 'nest');
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const [entry, target] of Object.entries(exports)) {
  for (const [condition, file] of typeof target === 'string' ? [['default', target]] : Object.entries(target)) {
    if (!existsSync(join(root, file))) problems.push(`exports["${entry}"].${condition} names ${file}, which the package does not have`);
  }
}
for (const [specifier, declarations] of Object.entries(expected)) {
  for (const [kind, [file, mode]] of Object.entries(importers)) {
    const { resolvedModule } = ts.resolveModuleName(specifier, resolve(file), options, ts.sys, undefined, undefined, mode);
    const found = resolvedModule?.resolvedFileName;
    if (found !== resolve(declarations)) problems.push(`${kind} import of ${specifier} resolves to ${found ?? 'nothing'}, not ${declarations}`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`pack smoke: ${Object.keys(expected).join(', ')} resolve to their declarations for CommonJS and ES module importers`);
