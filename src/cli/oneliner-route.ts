// Which argv is a one-liner (`wobbly http://…`): decided before any command's code is loaded.
export const ONE_LINER_COMMAND = 'one-liner';

/**
 * `wobbly http://…` and `wobbly -n 100 -c 10 http://…` (ab's and hey's order) are one-liners:
 * the arguments do not start with a command and hold a URL. Everything else goes as typed.
 */
export function routeOneLiner(argv: string[], commands: readonly string[]): string[] {
  const first = argv[0];
  if (first === undefined || commands.includes(first) || ['-h', '--help', '-V', '--version'].includes(first)) return argv;
  return argv.some((a) => /^https?:\/\//i.test(a)) ? [ONE_LINER_COMMAND, ...argv] : argv;
}
