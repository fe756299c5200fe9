/** In-memory LAN simulator for virtual routers: virtual clock, loss, delay, partitions, real codec. */
export { SimulatedLan } from './lan';
export type { LanOptions, TraceEntry } from './lan';
export { LinkModel } from './links';
export type { LinkVerdict } from './links';
export { EventQueue } from './queue';
export type { Timed } from './queue';
export { mulberry32 } from './prng';
