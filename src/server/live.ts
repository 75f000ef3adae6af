// Servers wobbly started and has not stopped yet: a second Ctrl-C kills them synchronously. Apart
// from the server code so that the CLI's signal handler needs nothing heavy.
/** Every server started and not yet stopped, so a second Ctrl-C can still take them down. */
const live = new Set<{ readonly pid: number | undefined }>();
export function registerLive(server: { readonly pid: number | undefined }): void {
  live.add(server);
}
export function unregisterLive(server: { readonly pid: number | undefined }): void {
  live.delete(server);
}
/** Last resort on a forced exit: SIGKILL every live server's process group, synchronously. */
export function killAllLiveSync(): void {
  for (const s of live) {
    if (s.pid !== undefined) {
      try {
        process.kill(-s.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  live.clear();
}
