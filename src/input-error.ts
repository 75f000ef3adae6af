// Bad input that is not a scenario: a file given on the command line, a flag's value. Exit 2.
// The bottom floor: any stage that reads a user's file may throw it; the CLI prints its message.
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
