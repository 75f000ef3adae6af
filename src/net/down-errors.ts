// Its own module with no imports: the load's worker threads need it, and a module that loaded
// undici there cost every thread ~0.1 s of CPU (measured).

/** Errors meaning nobody is listening (the target is down), as opposed to a slow or failing server. */
export const DOWN_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'connection closed']);
