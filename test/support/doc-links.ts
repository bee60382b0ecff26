import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** GitHub's anchor for a heading. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function headingSlugs(file: string): Set<string> {
  return new Set([...readFileSync(file, 'utf8').matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

/** README.md and every page under docs/. */
export function projectDocs(root: string): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f));
  return [join(root, 'README.md'), ...docs];
}

/**
 * Links, and `*.md` paths in code spans, of a markdown file that do not lead to a file (and
 * heading) inside the repository at `root`: docs must not send readers to files they do not have.
 */
export function brokenReferences(root: string, file: string): string[] {
  const markdown = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
  const spans = [...markdown.matchAll(/`([^`\s]+\.md)`/g)].map((m) => m[1]);
  const broken: string[] = [];
  for (const target of [...links, ...spans]) {
    const [path, anchor] = target.split('#', 2);
    // Links are relative to their page; a path in a code span may also be written from the root.
    const candidates = path === '' ? [file] : [resolve(dirname(file), path), resolve(root, path)];
    const found = candidates.find((c) => !relative(root, c).startsWith('..') && existsSync(c));
    if (!found) broken.push(`${relative(root, file)}: ${target} is not a file of the repository`);
    else if (anchor && !headingSlugs(found).has(anchor)) broken.push(`${relative(root, file)}: ${target} names no heading`);
  }
  return broken;
}
