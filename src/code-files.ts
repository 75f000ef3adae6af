// Where the files that run as their own thread or process are. From tsc's output they sit in
// dist/src/ by module; the bundled CLI (scripts/bundle.mjs, dist/cli/) has every entry point and
// chunk in one directory, and esbuild defines WOBBLY_BUNDLED there.
declare const WOBBLY_BUNDLED: boolean | undefined;

const IN_SOURCE_LAYOUT = {
  'run-thread-worker': './engine/run-thread-worker.js',
  'load-worker': './load/worker.js',
  'stream-worker': './actors/stream-worker.js',
  reaper: './server/reaper.js',
  'demo-main': './demo/main.js',
} as const;

export type CodeFile = keyof typeof IN_SOURCE_LAYOUT;

/** The entry point `name` of this build of wobbly. */
export function codeFile(name: CodeFile): URL {
  return typeof WOBBLY_BUNDLED !== 'undefined' && WOBBLY_BUNDLED ? new URL(`./${name}.js`, import.meta.url) : new URL(IN_SOURCE_LAYOUT[name], import.meta.url);
}

/** The bundle's entry points, by name (for scripts/bundle.mjs): the CLI and every file above. */
export const BUNDLE_ENTRIES: Record<string, string> = { main: './cli/main.js', ...IN_SOURCE_LAYOUT };
