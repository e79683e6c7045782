import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const linear = (c: number): number => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return (
      0.2126 * linear(r as number) + 0.7152 * linear(g as number) + 0.0722 * linear(bl as number)
    );
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');
const variable = (name: string): string => {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`).exec(css);
  if (!match?.[1]) throw new Error(`--${name} is not a #rrggbb colour in styles.css`);
  return match[1];
};

describe('console colours (WCAG AA: 4.5:1 for text)', () => {
  const pairs: Array<[string, string, string]> = [
    ['text', variable('fg'), variable('bg')],
    ['muted text', variable('muted'), variable('bg')],
    ['muted text on panels', variable('muted'), variable('panel')],
    ['links', variable('accent'), variable('bg')],
    ['errors', variable('bad'), variable('bg')],
    ['error badges and problems', variable('bad'), '#fdeeee'],
    ['success badges', variable('good'), '#e8f5ec'],
    ['header links', '#ffffff', '#1a1f2b'],
    ['current header link', '#ffffff', '#3a4356'],
    ['primary buttons', '#ffffff', variable('accent')],
  ];

  it.each(pairs)('%s', (_what, fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it('measures what WCAG measures', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
  });
});
