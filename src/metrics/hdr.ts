// The parts of hdr-histogram-js that wobbly uses, imported from their own modules: the package's
// index also loads its log reader and writer (whose module-level Intl formatters cost ~12 ms) and
// the WebAssembly build, which the bundle replaces with a stub (scripts/bundle.mjs) since
// wobbly's histograms are the JavaScript ones.
import { build } from 'hdr-histogram-js/dist/HistogramBuilder.js';

export { build };
export { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js/dist/encoding.js';
export type Histogram = ReturnType<typeof build>;
