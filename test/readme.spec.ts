import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokenReferences, projectDocs } from './support/doc-links.js';
import { blockErrors, typescriptBlocks } from './support/readme-blocks.js';

const ROOT = join(import.meta.dirname, '..');

/**
 * README's ```ts blocks are what users paste: each must compile as it stands, imports included.
 * They are checked where they are rather than kept as files under examples/ and included: README
 * stays the one place to edit, a block another change adds is checked with no step of its own, and
 * no include tool can let README and examples drift apart. The cost, that a block is one module
 * (it cannot import another block), suits examples meant to be pasted whole.
 */
describe('README code blocks', () => {
  it('every ```ts block of README.md type-checks against lib/', () => {
    const blocks = typescriptBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThan(0);
    expect(blockErrors(ROOT, 'README.md', blocks)).toEqual([]);
  });

  it('names a broken block by its line in the markdown, and leaves other fences alone', () => {
    const markdown = [
      '# Title',
      '```js',
      'not typescript at all (',
      '```',
      '```ts',
      "import { StreamingModule } from '@streaming/nest';",
      'StreamingModule.forRoot({ nope: true });',
      '```',
    ].join('\n');
    const errors = blockErrors(ROOT, 'DOC.md', typescriptBlocks(markdown));
    expect(errors).toEqual([expect.stringMatching(/^DOC\.md:7:\d+ TS2353 /)]);
  });
});

describe('project docs', () => {
  it('link only to files and headings inside the repository', () => {
    expect(projectDocs(ROOT).flatMap((file) => brokenReferences(ROOT, file))).toEqual([]);
  });
});
