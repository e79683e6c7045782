import { posix } from 'node:path';
import ts from 'typescript';

/**
 * The import rules of docs/architecture.md as a pure function over source texts, so that
 * src/architecture.spec.ts can run it on the real tree and on a small fake one (proving that
 * each rule can fail). Paths are repository-relative and POSIX (`src/auth/auth.module.ts`).
 */
export interface SourceText {
  path: string;
  source: string;
}

export type RuleId =
  | 'folders'
  | 'cross-module-import'
  | 'data-source'
  | 'http-exception'
  | 'infrastructure-imports-feature'
  | 'forward-ref'
  | 'module-cycle';

export interface Violation {
  rule: RuleId;
  file: string;
  line: number;
  /** What is wrong, without line numbers: with `file`, the key of an allow-list entry. */
  what: string;
  /** Where, for the failure message (lines change, so it is not part of the key). */
  detail?: string;
}

export interface ArchitectureLayout {
  /** Folders of src/ that are feature modules. */
  features: readonly string[];
  /** Folders of src/ that are infrastructure (import no feature module). */
  infrastructure: readonly string[];
  /** Files and folders (`src/ops/`) that wire features together: through index.ts only. */
  compositionRoots: readonly string[];
  /** Infrastructure folders that own tables and may use DataSource themselves. */
  dataSourceFolders: readonly string[];
}

interface Import {
  line: number;
  specifier: string;
  /** The repository-relative .ts file of a relative specifier, else undefined. */
  target?: string;
  /** Imported names as exported by the target (`{ A as B }` gives A). */
  names: string[];
}

interface ParsedFile {
  path: string;
  imports: Import[];
  getRepositoryCalls: number[];
  forwardRefs: number[];
}

export const violationKey = (v: Violation): string => `${v.file}: ${v.what}`;

export function checkArchitecture(files: SourceText[], layout: ArchitectureLayout): Violation[] {
  const parsed = files.map(parse);
  return [
    ...checkFolders(files, layout),
    ...parsed.flatMap((file) => [
      ...crossModuleImports(file, layout),
      ...dataSourceUse(file, layout),
      ...httpExceptions(file, layout),
      ...infrastructureImportsFeature(file, layout),
      ...file.forwardRefs
        .slice(0, 1)
        .map((line) =>
          violation(
            'forward-ref',
            file,
            line,
            'uses forwardRef: a cycle needs a boundary or an event',
          ),
        ),
    ]),
    ...moduleCycles(parsed, layout),
  ];
}

/** `src/auth/x.ts` → `auth`; a file directly in src/ → undefined. */
export function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : undefined;
}

function parse({ path, source }: SourceText): ParsedFile {
  const sf = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const file: ParsedFile = { path, imports: [], getRepositoryCalls: [], forwardRefs: [] };
  const addImport = (node: ts.Node, specifier: string, names: string[]) =>
    file.imports.push({ line: lineOf(node), specifier, target: resolve(path, specifier), names });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      addImport(node, node.moduleSpecifier.text, importedNames(node.importClause));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const names =
        node.exportClause && ts.isNamedExports(node.exportClause)
          ? node.exportClause.elements.map((e) => (e.propertyName ?? e.name).text)
          : ['*'];
      addImport(node, node.moduleSpecifier.text, names);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      addImport(node, node.arguments[0].text, ['*']);
    } else if (ts.isIdentifier(node) && node.text === 'forwardRef') {
      file.forwardRefs.push(lineOf(node));
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'getRepository'
    ) {
      file.getRepositoryCalls.push(lineOf(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return file;
}

function importedNames(clause: ts.ImportClause | undefined): string[] {
  if (!clause) return [];
  const names = clause.name ? ['default'] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
  if (bindings && ts.isNamedImports(bindings)) {
    for (const e of bindings.elements) names.push((e.propertyName ?? e.name).text);
  }
  return names;
}

function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return joined.replace(/\.js$/, '.ts');
}

function violation(rule: RuleId, file: ParsedFile, line: number, what: string): Violation {
  return { rule, file: file.path, line, what };
}

function checkFolders(files: SourceText[], layout: ArchitectureLayout): Violation[] {
  const known = new Set([...layout.features, ...layout.infrastructure]);
  const present = new Set(files.map((f) => f.path));
  const folders = new Set(files.map((f) => folderOf(f.path)).filter((f) => f !== undefined));
  const out: Violation[] = [];
  for (const folder of [...folders].sort()) {
    if (!known.has(folder)) {
      const what = `src/${folder}/ is neither a feature module nor infrastructure: add it to one list`;
      out.push({ rule: 'folders', file: `src/${folder}/`, line: 0, what });
    }
  }
  for (const feature of layout.features) {
    for (const required of ['index.ts', `${feature}.module.ts`]) {
      const path = `src/${feature}/${required}`;
      if (!present.has(path)) {
        out.push({ rule: 'folders', file: path, line: 0, what: 'feature module file missing' });
      }
    }
  }
  return out;
}

const isFeature = (layout: ArchitectureLayout, folder: string | undefined) =>
  folder !== undefined && layout.features.includes(folder);

/** a. Inside a feature, another feature only through its index.ts (entity → entity excepted). */
function crossModuleImports(file: ParsedFile, layout: ArchitectureLayout): Violation[] {
  const own = folderOf(file.path);
  if (!isFeature(layout, own)) return [];
  return file.imports.flatMap((imp) => {
    const other = imp.target && folderOf(imp.target);
    if (!imp.target || !isFeature(layout, other) || other === own) return [];
    if (imp.target === `src/${other}/index.ts`) return [];
    if (file.path.endsWith('.entity.ts') && imp.target.endsWith('.entity.ts')) return [];
    const what = `imports ${imp.target}: import ${other} only through src/${other}/index.ts`;
    return [violation('cross-module-import', file, imp.line, what)];
  });
}

const DATA_SOURCE_NAMES: Record<string, readonly string[]> = {
  typeorm: ['DataSource', 'getRepository'],
  '@nestjs/typeorm': ['InjectRepository', 'InjectDataSource', 'InjectEntityManager'],
};

/** b. DataSource and repositories of TypeORM only in repositories and the infrastructure that owns tables. */
function dataSourceUse(file: ParsedFile, layout: ArchitectureLayout): Violation[] {
  const folder = folderOf(file.path);
  if (isFeature(layout, folder)) {
    if (file.path.includes('/repositories/') || file.path.endsWith('.repository.ts')) return [];
  } else if (folder !== undefined && layout.dataSourceFolders.includes(folder)) {
    return [];
  }
  const found = new Map<string, number>();
  for (const imp of file.imports) {
    for (const name of imp.names) {
      if (DATA_SOURCE_NAMES[imp.specifier]?.includes(name) && !found.has(name)) {
        found.set(name, imp.line);
      }
    }
  }
  const calls = file.getRepositoryCalls;
  if (calls[0] !== undefined && !found.has('.getRepository()')) {
    found.set('.getRepository()', calls[0]);
  }
  return [...found].map(([name, line]) =>
    violation('data-source', file, line, `uses ${name}: queries belong in a repository`),
  );
}

/** c. Services, repositories, domain/ and worker/ throw DomainErrors, never HTTP exceptions. */
function httpExceptions(file: ParsedFile, layout: ArchitectureLayout): Violation[] {
  if (!isFeature(layout, folderOf(file.path))) return [];
  const inner = file.path.split('/').slice(2);
  const scoped =
    /\.(service|repository)\.ts$/.test(file.path) ||
    inner.slice(0, -1).some((dir) => dir === 'domain' || dir === 'worker');
  if (!scoped) return [];
  return file.imports.flatMap((imp) =>
    imp.names
      .filter(
        (name) =>
          name === 'ProblemException' ||
          (imp.specifier === '@nestjs/common' && name.endsWith('Exception')),
      )
      .map((name) =>
        violation('http-exception', file, imp.line, `uses ${name}: throw a DomainError instead`),
      ),
  );
}

const inCompositionRoot = (layout: ArchitectureLayout, path: string) =>
  layout.compositionRoots.some((root) =>
    root.endsWith('/') ? path.startsWith(root) : path === root,
  );

/** d. Infrastructure imports no feature; composition roots import features through index.ts. */
function infrastructureImportsFeature(file: ParsedFile, layout: ArchitectureLayout): Violation[] {
  if (isFeature(layout, folderOf(file.path))) return [];
  const root = inCompositionRoot(layout, file.path);
  return file.imports.flatMap((imp) => {
    const feature = imp.target && folderOf(imp.target);
    if (!imp.target || !isFeature(layout, feature)) return [];
    if (root && imp.target === `src/${feature}/index.ts`) return [];
    const what = root
      ? `imports ${imp.target}: a composition root imports ${feature} only through src/${feature}/index.ts`
      : `imports ${imp.target}: infrastructure imports no feature module`;
    return [violation('infrastructure-imports-feature', file, imp.line, what)];
  });
}

/** f. The module-level graph (feature → feature, from every import) has no cycle. */
function moduleCycles(files: ParsedFile[], layout: ArchitectureLayout): Violation[] {
  const edges = new Map<string, Map<string, { file: ParsedFile; line: number }>>();
  for (const file of files) {
    const from = folderOf(file.path);
    if (from === undefined || !isFeature(layout, from)) continue;
    for (const imp of file.imports) {
      const to = imp.target && folderOf(imp.target);
      if (to === undefined || to === from || !isFeature(layout, to)) continue;
      const out = edges.get(from) ?? new Map<string, { file: ParsedFile; line: number }>();
      if (!out.has(to)) out.set(to, { file, line: imp.line });
      edges.set(from, out);
    }
  }
  return stronglyConnected(layout.features, (m) => [...(edges.get(m)?.keys() ?? [])])
    .filter((component) => component.length > 1)
    .map((component) => {
      const cycle = [...component].sort();
      const via = cycle.flatMap((from) =>
        [...(edges.get(from) ?? [])]
          .filter(([to]) => cycle.includes(to))
          .map(([to, e]) => `${from} → ${to} (${e.file.path}:${e.line})`),
      );
      const what = `modules ${cycle.join(', ')} import each other`;
      const file = `src/{${cycle.join(',')}}`;
      return { rule: 'module-cycle' as const, file, line: 0, what, detail: via.join('; ') };
    });
}

/** Tarjan's algorithm: the strongly connected components of a small graph. */
function stronglyConnected(nodes: readonly string[], next: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (n: string): void => {
    index.set(n, index.size);
    low.set(n, index.get(n)!);
    stack.push(n);
    for (const m of next(n)) {
      if (!index.has(m)) {
        visit(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (stack.includes(m)) {
        low.set(n, Math.min(low.get(n)!, index.get(m)!));
      }
    }
    if (low.get(n) === index.get(n)) {
      const component: string[] = [];
      let m: string | undefined;
      do {
        m = stack.pop();
        if (m !== undefined) component.push(m);
      } while (m !== undefined && m !== n);
      components.push(component);
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return components;
}

export const describeViolation = (v: Violation): string =>
  `${v.file}${v.line ? `:${v.line}` : ''}: ${v.what}${v.detail ? ` (${v.detail})` : ''}`;
