// Milliseconds on a clock that server and client processes of one machine share, with sub-ms resolution.
export const monotonicNow = () => performance.timeOrigin + performance.now();
