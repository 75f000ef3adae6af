// The reaper: a tiny watchdog process started beside every server wobbly launches. If wobbly
// dies without stopping the server (SIGKILL, a crash), the reaper stops the server's whole
// process group, so no orphan is ever left behind. It exits by itself once the group is gone.
//   node reaper.js <wobbly pid> <server process group id>

const [parentArg, groupArg] = process.argv.slice(2);
const parent = Number(parentArg);
const group = Number(groupArg);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(sig: NodeJS.Signals): void {
  try {
    process.kill(-group, sig);
  } catch {
    // gone already
  }
}

if (!(parent > 1 && group > 1)) process.exit(2);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => undefined); // a Ctrl-C in the terminal is for wobbly, which stops the server itself

const timer = setInterval(() => {
  if (!alive(-group)) process.exit(0);
  if (!alive(parent) || process.ppid !== parent) {
    clearInterval(timer);
    signalGroup('SIGTERM');
    setTimeout(() => {
      signalGroup('SIGKILL');
      process.exit(0);
    }, 3000);
  }
}, 250);
