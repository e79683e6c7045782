import { describe, expect, it } from '@jest/globals';
import { formatMoney, parseAmount, readFilters, withCursor, withFilter } from './query.js';

describe('list filters in the URL', () => {
  it('reads only the known, non-empty filters', () => {
    const query = new URLSearchParams('email=ann&role=&status=active&evil=1&cursor=abc');
    expect(readFilters(query, ['email', 'role', 'status', 'cursor'])).toEqual({
      email: 'ann',
      status: 'active',
      cursor: 'abc',
    });
  });

  it('starts a changed filter at the first page and drops an emptied one', () => {
    const query = new URLSearchParams('email=ann&role=admin&cursor=abc');
    expect(withFilter(query, 'role', 'user')).toBe('?email=ann&role=user');
    expect(withFilter(query, 'email', '  ')).toBe('?role=admin');
    expect(withFilter(new URLSearchParams('cursor=x'), 'email', '')).toBe('');
  });

  it('keeps the filters when paging', () => {
    const query = new URLSearchParams('status=failed');
    expect(withCursor(query, 'next')).toBe('?status=failed&cursor=next');
    expect(withCursor(new URLSearchParams('cursor=old'), null)).toBe('');
  });
});

describe('amounts', () => {
  it('formats minor units with the currency’s digits', () => {
    expect(formatMoney(1999, 'eur')).toBe('19.99 EUR');
    expect(formatMoney(500, 'JPY')).toBe('500 JPY');
  });

  it('parses what an operator types into minor units, refusing anything else', () => {
    expect(parseAmount('12.5', 'eur')).toBe(1250);
    expect(parseAmount(' 10 ', 'usd')).toBe(1000);
    expect(parseAmount('0.01', 'usd')).toBe(1);
    expect(parseAmount('300', 'jpy')).toBe(300);
    for (const bad of ['', '0', '0.00', '1.234', '-5', '1e3', '12,50', '3.5']) {
      expect(parseAmount(bad, bad === '3.5' ? 'jpy' : 'eur')).toBeNull();
    }
  });
});
