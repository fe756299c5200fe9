/** One host's VRRP, sans-I/O: the node core that the daemon and the simulator both drive. */
export { ANNOUNCE_ROUNDS_PER_CALL, VrrpNode } from './node';
export * from './types';
export * from './spec';
export * from './counters';
export { nodeSpecOf, instanceSpecOf, expectationsOf, announceConfigOf, vipCidr, configuredSource } from './from-config';
export { vmacOf, vipDeviceOf, xmitInterfaceOf, defaultVmacName } from './vmac-plan';
export type { VmacPlan } from './vmac-plan';
export type { LinkState } from './trackers';
export { diffInstance } from './diff';
export type { InstanceDiff } from './diff';
export { DEFAULT_ANNOUNCE } from './announce';
export type { AnnounceConfig, AnnounceRound } from './announce';
