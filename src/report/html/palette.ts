// Okabe–Ito: a palette that stays distinguishable with the common colour-vision deficiencies.
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
export const GREY = '#8a8a8a';
export const STATUS_COLOR = { detected: '#D55E00', inconclusive: '#E69F00', clear: '#009E73' } as const;

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
