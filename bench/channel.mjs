export const CHANNEL = 'bench:fanout';
