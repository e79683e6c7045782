import { describe, expect, it } from '@jest/globals';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { undeclaredNulls } from './validation.js';

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
