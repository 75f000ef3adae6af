// Exit codes (DESIGN.md §4): scripts and CI depend on them.
export const EXIT = {
  ok: 0,
  expectationFailed: 1,
  badInput: 2,
  targetUnreachable: 3,
  interrupted: 130,
} as const;
