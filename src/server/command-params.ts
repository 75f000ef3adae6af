// Params in a server's command line. The command runs under /bin/sh, so a param's value spliced
// into it would be shell text (`--set 'tokens=40; touch /tmp/x;'` would run `touch`). Instead each
// ${name} becomes ${WOBBLY_PARAM_name}, the expansion of an environment variable the server is
// started with: the shell never parses an expanded value as code (no ;, $( ), `, redirection).
// It is left unquoted so that it reads as the value did: one word inside the user's own double
// quotes ("--label=${name}"), split on blanks outside them.

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function paramEnvName(name: string): string {
  return `WOBBLY_PARAM_${name}`;
}

/** Every ${name} (known to `isParam`) as a variable expansion; unknown ones are left as written. */
export function quoteParamsInCommand(command: string, isParam: (name: string) => boolean): string {
  return command.replace(PLACEHOLDER, (m, name: string) => (isParam(name) ? `\${${paramEnvName(name)}}` : m));
}

