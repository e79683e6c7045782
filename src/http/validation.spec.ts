import { describe, expect, it } from '@jest/globals';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Type } from 'class-transformer';
import { IsString, MaxLength, MinLength, ValidateNested, validateSync } from 'class-validator';
import { fieldErrors, undeclaredNulls } from './validation.js';

class Item {
  @ApiProperty() name: string;
}

class Body {
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) clearable?: string | null;
  @ApiPropertyOptional({ type: () => Item }) item?: Item;
  @ApiPropertyOptional({ type: [Item] }) items?: Item[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  free?: Record<string, unknown>;
}

describe('undeclaredNulls', () => {
  it('refuses null where the document does not declare it nullable, nested DTOs included', () => {
    expect(
      undeclaredNulls(
        { note: null, clearable: null, item: { name: null }, items: [{ name: 'a' }, null] },
        Body,
      ),
    ).toEqual([
      { field: 'item.name', message: 'item.name must not be null' },
      { field: 'items[1]', message: 'items[1] must not be null' },
      { field: 'note', message: 'note must not be null' },
    ]);
  });

  it('leaves unknown fields, free-form objects and non-objects to the validator', () => {
    expect(undeclaredNulls({ unknown: null, free: { x: null } }, Body)).toEqual([]);
    expect(undeclaredNulls('text', Body)).toEqual([]);
    expect(undeclaredNulls({ note: null }, String)).toEqual([]);
  });
});

class Named {
  @IsString() @MinLength(2) @MaxLength(5) name: string;
}

class Outer {
  @IsString() @MinLength(2) title: string;
  @ValidateNested() @Type(() => Named) inner: Named;
}

describe('fieldErrors', () => {
  const errorsFor = (body: object) =>
    fieldErrors(
      validateSync(plainToInstance(Outer, body), {
        validationError: { target: false, value: true },
      }),
    );

  it('says once that a missing field is required, nested ones too', () => {
    expect(errorsFor({ inner: {} })).toEqual([
      { field: 'title', message: 'title is required' },
      { field: 'inner.name', message: 'inner.name is required' },
    ]);
  });

  it('keeps the messages of a field that is present', () => {
    expect(errorsFor({ title: 7, inner: { name: 'abcdef' } })).toEqual([
      { field: 'title', message: 'title must be longer than or equal to 2 characters' },
      { field: 'title', message: 'title must be a string' },
      { field: 'inner.name', message: 'name must be shorter than or equal to 5 characters' },
    ]);
  });
});
