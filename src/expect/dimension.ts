// Which units a metric takes (a leaf: baseline and result types name it without importing metrics.ts).
export type Dimension = 'duration' | 'rate' | 'ratio' | 'count';
