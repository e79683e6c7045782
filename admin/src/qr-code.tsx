import type { ReactNode } from 'react';
import { encode } from 'uqr';
import { modulesPath } from './qr-path.js';

/**
 * A QR code drawn as SVG elements by React: no inline script, style or data: URL, so the
 * console's strict Content-Security-Policy needs nothing more. `uqr` (unjs, no dependencies)
 * does the encoding; each dark module is one square of a single path.
 */
export function QrCode(props: { text: string; label: string; pixels?: number }): ReactNode {
  const { data, size } = encode(props.text, { ecc: 'M', border: 4 });
  return (
    <svg
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${size} ${size}`}
      width={props.pixels ?? 200}
      height={props.pixels ?? 200}
      shapeRendering="crispEdges"
      className="qr"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={modulesPath(data)} fill="#000000" />
    </svg>
  );
}
