/** The sans-I/O virtual router: state machine, timers, priority, sync groups and typed events. */
export { VirtualRouter } from './router';
export type { AdvertSource } from './router';
export { SyncGroup } from './sync-group';
export type { MemberActions, SyncGroupState } from './sync-group';
export { ObservedRouter } from './events';
export type { RouterEvents } from './events';
export { resolveConfig } from './config';
export type { ResolvedConfig } from './config';
export { buildAdvert, rejectReason } from './advert';
export { outranks } from './priority';
export {
  MS_PER_CS,
  CS_PER_S,
  csToMs,
  deadlineMs,
  skewTimeCs,
  masterDownIntervalCs,
  initialMasterWaitCs,
  preemptDelayMs,
} from './timers';
export type {
  Action,
  ActionType,
  AdvertDropReason,
  InitialState,
  RouterConfig,
  RouterState,
  TrackingImpact,
  TransitionReason,
  V2Auth,
} from './types';
