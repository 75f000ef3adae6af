// Its own module (no undici behind it): the load's worker threads need only this from ./http.ts,
// and importing http.ts there loaded undici in every thread (~0.1 s CPU each, measured).

/** Errors meaning nobody is listening (the target is down), as opposed to a slow or failing server. */
export const DOWN_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'connection closed']);
