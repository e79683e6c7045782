import { describe, expect, it } from '@jest/globals';
import { checkDeclaredUpload, cleanFilename, downloadName, purposeRules } from './file-purposes.js';

const rules = purposeRules({ avatarMaxBytes: 100, attachmentMaxBytes: 1000 });

describe('file purposes', () => {
  it('allows the purpose’s types up to its size', () => {
    expect(checkDeclaredUpload(rules.avatar, 'image/webp', 100)).toBeNull();
    expect(checkDeclaredUpload(rules.avatar, 'image/webp', 101)).toEqual({
      code: 'too-large',
      maxBytes: 100,
    });
    expect(checkDeclaredUpload(rules.avatar, 'application/pdf', 1)?.code).toBe('type-not-allowed');
    expect(checkDeclaredUpload(rules.attachment, 'application/pdf', 1000)).toBeNull();
  });

  it('never allows active types', () => {
    for (const type of ['text/html', 'image/svg+xml', 'application/javascript', 'text/xml']) {
      expect(checkDeclaredUpload(rules.attachment, type, 1)?.code).toBe('type-not-allowed');
    }
  });

  it('names downloads after the checked type and keeps only a file name', () => {
    expect(downloadName('page.html', 'image/png')).toBe('page.png');
    expect(downloadName('.htaccess', 'text/plain')).toBe('file.txt');
    expect(cleanFilename('C:\\Users\\me\\cv.pdf')).toBe('cv.pdf');
    expect(cleanFilename('../\u0000')).toBe('file');
  });
});
