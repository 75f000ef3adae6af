// --ca FILE and --insecure: read and checked before anything is sent (a bad file is exit 2).
import { readFile } from 'node:fs/promises';
import { InputError } from '../input-error.js';
import type { TlsTrust } from '../net/tls.js';

export interface TlsFlags {
  insecure?: boolean;
  ca?: string;
}

/** The trust settings of the flags, or undefined without them (the system's CAs, verified). */
export async function tlsTrustOf(flags: TlsFlags): Promise<TlsTrust | undefined> {
  if (!flags.insecure && flags.ca === undefined) return undefined;
  const trust: TlsTrust = {};
  if (flags.insecure) trust.insecure = true;
  if (flags.ca !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.ca, 'utf8');
    } catch (err) {
      throw new InputError(`--ca ${flags.ca}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new InputError(`--ca ${flags.ca}: expected PEM certificate(s) ("-----BEGIN CERTIFICATE-----"), found none`);
    trust.ca = text;
  }
  return trust;
}
