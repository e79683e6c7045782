import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'auth:public';
/** Read (and removed) by the OpenAPI post-processing: these operations declare `security: []`. */
export const PUBLIC_EXTENSION = 'x-public';

/** The route needs no authentication. Every route must say so, or name the roles it needs. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));
