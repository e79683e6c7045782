import 'reflect-metadata';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, NestFactory } from '@nestjs/core';
import { AppModule } from '../../app.module.js';
import { ROLES } from '../../common/auth/auth-principal.js';
import { IS_PUBLIC } from '../../common/auth/public.decorator.js';
import { REQUIRES_AAL2 } from '../../common/auth/step-up.decorator.js';
import { loadConfig } from '../../config/index.js';

// Nest's and @nestjs/swagger's metadata keys (their constants modules are not public exports).
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const API_SECURITY = 'swagger/apiSecurity';

interface Route {
  route: string;
  isPublic: boolean;
  roles: string[];
  bearer: boolean;
  aal2: boolean;
}

/**
 * Every route of the whole app (all roles) must state its access decision: `@Public()`, or
 * authenticated and saying so, with `@ApiBearerAuth('bearer')` (the OpenAPI document then tells
 * clients) and/or `@Roles(...)`. Preview mode builds the module graph without connecting anywhere.
 */
describe('route access decisions', () => {
  let app: INestApplication;
  let routes: Route[];

  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      APP_ROLE: 'all',
      DATABASE_URL: 'postgres://routes@127.0.0.1:1/routes',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false });
    routes = collectRoutes(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('finds the routes (the walk itself works)', () => {
    const names = routes.map((r) => r.route);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST AuthController.login',
        'GET UsersController.me',
        'GET UsersController.list',
      ]),
    );
    expect(routes.find((r) => r.route === 'POST AuthController.login')).toMatchObject({
      isPublic: true,
    });
    expect(routes.find((r) => r.route === 'GET UsersController.list')).toMatchObject({
      roles: ['admin'],
    });
  });

  it('has a decision on every route: @Public(), or authenticated with @ApiBearerAuth / @Roles', () => {
    const undecided = routes
      .filter((r) => !r.isPublic && r.roles.length === 0 && !r.bearer)
      .map((r) => r.route);
    expect(undecided).toEqual([]);
  });

  it('asks for a second factor (aal2, on accounts with MFA) on exactly the sensitive routes', () => {
    // Admin routes (@Roles('admin')) get the same rule from the guard without the decorator.
    expect(
      routes
        .filter((r) => r.aal2)
        .map((r) => r.route)
        .sort(),
    ).toEqual([
      'DELETE AccountController.deleteMe',
      'DELETE IdentitiesController.unlink',
      'POST AuthController.change',
      'POST MfaController.regenerateRecoveryCodes',
    ]);
    expect(routes.filter((r) => r.aal2 && (r.isPublic || r.roles.length > 0))).toEqual([]);
  });

  it('has no contradictory route (public and restricted at once)', () => {
    const contradictory = routes
      .filter((r) => r.isPublic && r.roles.length > 0)
      .map((r) => r.route);
    expect(contradictory).toEqual([]);
  });
});

function collectRoutes(app: INestApplication): Route[] {
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD'][
          Reflect.getMetadata(METHOD_METADATA, handler) as number
        ];
        const meta = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ??
          (Reflect.getMetadata(key, controller) as T | undefined);
        const security = meta<unknown[]>(API_SECURITY) ?? [];
        routes.push({
          route: `${method} ${controller.name}.${name}`,
          isPublic: meta<boolean>(IS_PUBLIC) === true,
          roles: meta<string[]>(ROLES) ?? [],
          bearer: security.some((s) => typeof s === 'object' && s !== null && 'bearer' in s),
          aal2: meta<boolean>(REQUIRES_AAL2) === true,
        });
      }
    }
  }
  return routes;
}
