import { describe, expect, it } from '@jest/globals';
import { checkStoredContent } from './magic-bytes.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const check = (contentType: string, head: Buffer, size = head.length, declared = size) =>
  checkStoredContent({ contentType, size: declared }, { size, head });

describe('checkStoredContent', () => {
  it('accepts bytes that carry the declared type’s signature', () => {
    expect(check('image/png', PNG)).toBeNull();
    expect(check('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBeNull();
    expect(check('image/webp', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBeNull();
    expect(check('application/pdf', Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(check('text/plain', Buffer.from('héllo, wörld\n'))).toBeNull();
  });

  it('refuses empty objects and sizes other than declared', () => {
    expect(check('image/png', Buffer.alloc(0), 0, 10)).toBe('empty');
    expect(check('image/png', PNG, PNG.length, PNG.length + 1)).toBe('size-mismatch');
  });

  it('refuses another type behind the declared one: HTML named PNG, a PNG declared as JPEG', () => {
    expect(check('image/png', Buffer.from('<html><script>alert(1)</script>'))).toBe(
      'type-mismatch',
    );
    expect(check('image/jpeg', PNG)).toBe('type-mismatch');
    expect(check('application/zip', Buffer.from('%PDF-1.7'))).toBe('type-mismatch');
    expect(check('text/plain', Buffer.from([0x41, 0, 0x42]))).toBe('type-mismatch');
    expect(check('application/x-unknown', PNG)).toBe('type-mismatch');
  });

  it('refuses markup a browser would run in text and documents', () => {
    expect(check('text/plain', Buffer.from('<svg onload=alert(1)>'))).toBe('active-content');
    expect(check('text/csv', Buffer.from('a,b\n<script>x</script>'))).toBe('active-content');
    expect(check('application/pdf', Buffer.from('%PDF-1.7 <html>'))).toBe('active-content');
  });
});
