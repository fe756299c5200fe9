/** In-memory LAN simulator: hosts running the node core on a virtual clock; loss, delay, partitions, real codec. */
export { SimulatedLan } from './lan';
export type { LanOptions, TraceEntry } from './lan';
export { SimHost } from './node';
export type { SimRecord } from './node';
export { LinkModel } from './links';
export type { LinkVerdict } from './links';
export { EventQueue } from '../node/queue';
export type { Timed } from '../node/queue';
export { mulberry32 } from './prng';
export { MemoryWire } from './wire';
