// The public API is an explicit list: src/index.ts names every export (no `export *`), and every name
// it exports carries a doc comment where it is defined, so editors show users what each one is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const INDEX = join(ROOT, 'src/index.ts');

function publicExports(): { name: string; documented: boolean }[] {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  return checker.getExportsOfModule(module).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const docs = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
    return { name: symbol.getName(), documented: docs.length > 0 };
  });
}

describe('the public API', () => {
  it('is an explicit list of named exports', () => {
    const source = readFileSync(INDEX, 'utf8');
    expect(source).not.toMatch(/^\s*export \*/m);
  });

  it('documents every exported name where it is defined', () => {
    const exports = publicExports();
    expect(exports.length).toBeGreaterThan(50);
    expect(exports.filter((e) => !e.documented).map((e) => e.name)).toEqual([]);
  });

  it('keeps internals out', () => {
    const names = new Set(publicExports().map((e) => e.name));
    for (const internal of ['isHandlerClass', 'resultFromError', 'wrapReturnValue', 'openDatabase', 'migrate', 'Orchestrator', 'configSchema']) {
      expect(names.has(internal), internal).toBe(false);
    }
    for (const api of ['createTasker', 'defineHandler', 'StepHandler', 'HandlerRegistry', 'TaskerError', 'loadConfig']) {
      expect(names.has(api), api).toBe(true);
    }
  });
});
