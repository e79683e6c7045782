import type { FilePurpose } from '../entities/stored-file.entity.js';

/** Types a browser could run (HTML, SVG, scripts, XML) are never accepted, whatever the purpose. */
const ACTIVE_TYPES = /(html|svg|javascript|ecmascript|xml|x-sh|x-msdownload)/i;

export const AVATAR_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Attachments: images, documents and archives whose first bytes identify them (see magic-bytes). */
export const ATTACHMENT_TYPES = [
  ...AVATAR_TYPES,
  'image/gif',
  'application/pdf',
  'application/zip',
  'text/plain',
  'text/csv',
  'audio/mpeg',
  'video/mp4',
] as const;

export const IMAGE_TYPES: ReadonlySet<string> = new Set([...AVATAR_TYPES, 'image/gif']);

export interface PurposeRule {
  types: readonly string[];
  maxBytes: number;
}

export interface PurposeLimits {
  avatarMaxBytes: number;
  attachmentMaxBytes: number;
}

export function purposeRules(limits: PurposeLimits): Record<FilePurpose, PurposeRule> {
  return {
    avatar: { types: AVATAR_TYPES, maxBytes: limits.avatarMaxBytes },
    attachment: { types: ATTACHMENT_TYPES, maxBytes: limits.attachmentMaxBytes },
  };
}

export type UploadRefusal =
  | { code: 'type-not-allowed'; allowed: readonly string[] }
  | { code: 'too-large'; maxBytes: number };

/** Why a declared upload is refused before any URL is signed, or null when it is allowed. */
export function checkDeclaredUpload(
  rule: PurposeRule,
  contentType: string,
  size: number,
): UploadRefusal | null {
  if (ACTIVE_TYPES.test(contentType) || !rule.types.includes(contentType)) {
    return { code: 'type-not-allowed', allowed: rule.types };
  }
  if (size > rule.maxBytes) return { code: 'too-large', maxBytes: rule.maxBytes };
  return null;
}

/** Images go to the worker (re-encoded, variants); anything else is ready once checked. */
export const needsProcessing = (contentType: string): boolean => IMAGE_TYPES.has(contentType);

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
};

/**
 * The name a download is saved under: the client's name with an extension that matches the
 * checked type, so a file declared image/png and named `page.html` is never saved as HTML.
 */
export function downloadName(filename: string, contentType: string): string {
  const extension = EXTENSIONS[contentType] ?? 'bin';
  const base = filename.replace(/\.[^.]*$/, '') || 'file';
  return `${base}.${extension}`;
}

/** The client's name as stored: the last path segment, without control characters. */
export function cleanFilename(filename: string): string {
  const last = filename.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(0, 255) || 'file';
}
