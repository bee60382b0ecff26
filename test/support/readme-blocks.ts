import { join } from 'node:path';
import ts from 'typescript';

export interface CodeBlock {
  /** 1-based line in the markdown file of the block's first line of code. */
  line: number;
  source: string;
}

/** The ```ts (or ```typescript) blocks of a markdown file; other fences (```js, ```sh...) are not TypeScript to check. */
export function typescriptBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: { info: string; indent: string; line: number; body: string[] } | undefined;
  markdown.split('\n').forEach((text, index) => {
    // As CommonMark: a backtick fence's info string has no backtick (a line opening with a code span is no fence).
    const fence = /^(\s*)```([^`\s]*)[^`]*$/.exec(text);
    if (!open) {
      if (fence) open = { indent: fence[1], info: fence[2], line: index + 2, body: [] };
      return;
    }
    if (fence && fence[2] === '') {
      if (open.info === 'ts' || open.info === 'typescript') blocks.push({ line: open.line, source: open.body.join('\n') });
      open = undefined;
      return;
    }
    open.body.push(text.startsWith(open.indent) ? text.slice(open.indent.length) : text);
  });
  return blocks;
}

/**
 * Type-checks each block as its own module of this repository, with the project's tsconfig (so
 * `@streaming/nest` is `lib/`), and returns the errors as `file:line:column message`, with the
 * markdown file's line numbers.
 */
export function blockErrors(root: string, markdownName: string, blocks: CodeBlock[]): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  const files = new Map(blocks.map((block) => [join(root, `${markdownName}.line-${block.line}.ts`), block]));

  const host = ts.createCompilerHost(options);
  const readSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const block = files.get(fileName);
    return block ? ts.createSourceFile(fileName, block.source, language) : readSourceFile(fileName, language, ...rest);
  };
  host.fileExists = (fileName) => files.has(fileName) || ts.sys.fileExists(fileName);
  host.readFile = (fileName) => files.get(fileName)?.source ?? ts.sys.readFile(fileName);

  const program = ts.createProgram([...files.keys()], options, host);
  const errors: string[] = [];
  for (const [fileName, block] of files) {
    for (const diagnostic of ts.getPreEmitDiagnostics(program, program.getSourceFile(fileName))) {
      const at = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
      const where = at ? `${markdownName}:${block.line + at.line}:${at.character + 1}` : `${markdownName}:${block.line}`;
      errors.push(`${where} TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
    }
  }
  return errors;
}
