import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkArchitecture,
  describeViolation,
  type ArchitectureLayout,
  type RuleId,
  type SourceText,
} from '../test/support/architecture-rules.js';

/**
 * docs/architecture.md, checked: the import rules between feature modules and infrastructure,
 * read from the source tree (TypeScript's parser over every file of src/, specs included).
 * A new folder of src/ fails the `folders` rule until it is added to one of the lists below.
 */
const LAYOUT: ArchitectureLayout = {
  // A feature module has src/<name>/index.ts and src/<name>/<name>.module.ts.
  features: ['auth', 'users', 'payments', 'notifications', 'sync', 'files'],
  infrastructure: [
    'bootstrap',
    'common',
    'config',
    'database',
    'health',
    'http',
    'idempotency',
    'logging',
    'metrics',
    'ops',
    'outbox',
    'queue',
    'redis',
    'storage',
  ],
  compositionRoots: [
    'src/app.module.ts',
    'src/main.ts',
    'src/worker.ts',
    'src/bootstrap/',
    'src/ops/',
  ],
  // Infrastructure that owns its tables (or pings the database) queries them itself.
  dataSourceFolders: ['database', 'health', 'idempotency', 'outbox'],
};

const RULES: Record<RuleId, string> = {
  folders: 'every folder of src/ is a feature module or infrastructure',
  'cross-module-import':
    'a feature imports another feature only through its index.ts (entity → entity excepted)',
  'data-source':
    'DataSource, getRepository and @InjectRepository only in repositories and table-owning infrastructure',
  'http-exception': 'no HTTP exception in services, repositories, domain/ or worker/',
  'infrastructure-imports-feature':
    'infrastructure imports no feature; composition roots only through index.ts',
  'forward-ref': 'no forwardRef',
  'module-cycle': 'no import cycle between feature modules',
};

function readTree(): SourceText[] {
  const src = fileURLToPath(new URL('.', import.meta.url));
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ path: `src/${file}`, source: readFileSync(`${src}/${file}`, 'utf8') }));
}

describe('architecture (docs/architecture.md)', () => {
  const found = checkArchitecture(readTree(), LAYOUT);

  it.each(Object.entries(RULES) as [RuleId, string][])('%s: %s', (rule) => {
    expect(found.filter((v) => v.rule === rule).map(describeViolation)).toEqual([]);
  });
});

/** The checker on a small fake tree: each rule reports its violation and lets the allowed forms pass. */
describe('architecture checker (self-test)', () => {
  const layout: ArchitectureLayout = {
    features: ['shop', 'mail'],
    infrastructure: ['db', 'ops'],
    compositionRoots: ['src/app.module.ts', 'src/ops/'],
    dataSourceFolders: ['db'],
  };
  const tree: Record<string, string> = {
    'src/app.module.ts': `import { ShopModule } from './shop/index.js';`,
    'src/shop/index.ts': `export { ShopModule } from './shop.module.js';`,
    'src/shop/shop.module.ts': `import { MailModule } from '../mail/index.js';`,
    'src/shop/orders/orders.service.ts': [
      `import { Injectable, NotFoundException } from '@nestjs/common';`,
      `import { DataSource } from 'typeorm';`,
      `import { MailService } from '../../mail/mail.service.js';`,
    ].join('\n'),
    'src/shop/repositories/orders.repository.ts': `import { DataSource } from 'typeorm';`,
    'src/shop/entities/order.entity.ts': `import { Mail } from '../../mail/entities/mail.entity.js';`,
    'src/shop/domain/orders.errors.ts': `import { ProblemException } from '../../http/problem.exception.js';`,
    'src/mail/index.ts': `export { MailModule } from './mail.module.js';`,
    'src/mail/mail.module.ts': [
      `import { Module, forwardRef } from '@nestjs/common';`,
      `const shop = () => import('../shop/index.js');`,
    ].join('\n'),
    'src/mail/entities/mail.entity.ts': `export class Mail {}`,
    'src/db/seed.ts': [
      `import { DataSource } from 'typeorm';`,
      `import { Mail } from '../mail/entities/mail.entity.js';`,
    ].join('\n'),
    'src/ops/dashboard.ts': `import { ShopModule } from '../shop/shop.module.js';`,
    'src/ops/board.ts': `import { ShopModule } from '../shop/index.js';`,
    'src/scratch/x.ts': `// forwardRef in a comment is no use of it`,
  };
  const files = Object.entries(tree).map(([path, source]) => ({ path, source }));
  const byRule = (rule: RuleId) =>
    checkArchitecture(files, layout)
      .filter((v) => v.rule === rule)
      .map((v) => `${v.file}: ${v.what}`);

  it('folders: an unclassified folder and a feature without index.ts and module', () => {
    expect(checkArchitecture(files, { ...layout, features: [...layout.features, 'cart'] })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'folders', file: 'src/cart/index.ts' }),
        expect.objectContaining({ rule: 'folders', file: 'src/cart/cart.module.ts' }),
      ]),
    );
    expect(byRule('folders')).toEqual([
      'src/scratch/: src/scratch/ is neither a feature module nor infrastructure: add it to one list',
    ]);
  });

  it('cross-module-import: a deep import, not the index.ts nor entity → entity', () => {
    expect(byRule('cross-module-import')).toEqual([
      'src/shop/orders/orders.service.ts: imports src/mail/mail.service.ts: import mail only through src/mail/index.ts',
    ]);
  });

  it('data-source: in a service and in infrastructure not owning tables, not in a repository', () => {
    expect(byRule('data-source')).toEqual([
      'src/shop/orders/orders.service.ts: uses DataSource: queries belong in a repository',
    ]);
    const ownsNone = { ...layout, dataSourceFolders: [] };
    expect(checkArchitecture(files, ownsNone).filter((v) => v.rule === 'data-source')).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: 'src/db/seed.ts', line: 1 })]),
    );
  });

  it('http-exception: in a service and in domain/', () => {
    expect(byRule('http-exception')).toEqual([
      'src/shop/orders/orders.service.ts: uses NotFoundException: throw a DomainError instead',
      'src/shop/domain/orders.errors.ts: uses ProblemException: throw a DomainError instead',
    ]);
  });

  it('infrastructure-imports-feature: infrastructure at all, a composition root deep', () => {
    expect(byRule('infrastructure-imports-feature')).toEqual([
      'src/db/seed.ts: imports src/mail/entities/mail.entity.ts: infrastructure imports no feature module',
      'src/ops/dashboard.ts: imports src/shop/shop.module.ts: a composition root imports shop only through src/shop/index.ts',
    ]);
  });

  it('forward-ref: in code, not in a comment', () => {
    expect(byRule('forward-ref')).toEqual([
      'src/mail/mail.module.ts: uses forwardRef: a cycle needs a boundary or an event',
    ]);
  });

  it('module-cycle: through index.ts files and a dynamic import', () => {
    const [cycle] = checkArchitecture(files, layout).filter((v) => v.rule === 'module-cycle');
    expect(cycle).toMatchObject({
      file: 'src/{mail,shop}',
      what: 'modules mail, shop import each other',
    });
    expect(cycle?.detail).toBe(
      'mail → shop (src/mail/mail.module.ts:2); shop → mail (src/shop/shop.module.ts:1)',
    );
  });
});
