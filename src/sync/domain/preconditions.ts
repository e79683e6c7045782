/**
 * Conditional requests on a document (RFC 9110 §13) with the revision as its entity tag
 * (`"<rev>"`), and `baseRev` of an offline mutation, reduced to one rule: `holds`.
 */
export type Precondition =
  /** No condition: the last writer wins. */
  | { kind: 'none' }
  /** If-Match: a live document whose rev is one of these (any rev for `*`). */
  | { kind: 'match'; revs: number[] | 'any' }
  /** If-None-Match: * (create only): no live document. */
  | { kind: 'absent' }
  /** baseRev: the rev the client last saw, tombstones included; 0 = it saw none. */
  | { kind: 'base'; rev: number };

/** The state a precondition is checked against: null when there is no row at all. */
export interface CurrentState {
  rev: number;
  deleted: boolean;
}

export const etagOf = (rev: number): string => `"${rev}"`;

const TAG = /^(W\/)?"([^"]*)"$/;

/** The revs an entity-tag list names, `any` for `*`, or null if the header is malformed. */
export function parseEtags(header: string): number[] | 'any' | null {
  const text = header.trim();
  if (text === '*') return 'any';
  const revs: number[] = [];
  for (const part of text.split(',')) {
    const match = TAG.exec(part.trim());
    if (!match) return null;
    const tag = match[2] ?? '';
    // A tag we never issued (not a revision) can match nothing, but is well-formed.
    if (/^[1-9]\d{0,9}$/.test(tag)) revs.push(Number(tag));
  }
  return revs;
}

/** Preconditions of a PUT or DELETE; a string is why the headers are refused. */
export function writePrecondition(
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
): Precondition | string {
  if (ifMatch !== undefined && ifNoneMatch !== undefined)
    return 'send If-Match or If-None-Match, not both';
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.trim() === '*' ? { kind: 'absent' } : 'If-None-Match on a write must be *';
  }
  if (ifMatch === undefined) return { kind: 'none' };
  const revs = parseEtags(ifMatch);
  return revs === null
    ? 'If-Match must be * or a list of "<rev>" entity tags'
    : { kind: 'match', revs };
}

export function holds(precondition: Precondition, current: CurrentState | null): boolean {
  const live = current !== null && !current.deleted;
  switch (precondition.kind) {
    case 'none':
      return true;
    case 'absent':
      return !live;
    case 'match':
      return live && (precondition.revs === 'any' || precondition.revs.includes(current.rev));
    case 'base':
      return (current?.rev ?? 0) === precondition.rev;
  }
}

/** GET with If-None-Match: true when the client's copy is current (answer 304). */
export function notModified(ifNoneMatch: string | undefined, rev: number): boolean {
  if (ifNoneMatch === undefined) return false;
  const revs = parseEtags(ifNoneMatch);
  return revs === 'any' || (revs !== null && revs.includes(rev));
}
