// --fail-on: which verdict statuses fail a run (parsed with the flags, before anything is loaded).
export type FailOn = 'detected' | 'inconclusive';

export function parseFailOn(text: string): FailOn {
  if (text === 'detected' || text === 'inconclusive') return text;
  throw new Error(`expected "detected" (a detected verdict fails the run) or "inconclusive" (a detected or inconclusive one does), got "${text}"`);
}
