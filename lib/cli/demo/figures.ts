/**
 * The figures of one switch-over, from the timeline: the outage split into detection (service change ->
 * effective priority change of r1), the protocol's wait (-> the new router's MASTER log line, when it sends
 * its first advert as master) and the data plane (-> the client's first answer from it). Pure.
 */
import type { RouterName, Timeline } from './timeline';

/** What one switch-over is about. */
export interface SwitchSpec {
  /** The router whose service changes (r1 in the demo). */
  service: RouterName;
  serviceEvent: 'stopped' | 'listening';
  /** The router that should be MASTER afterwards, and the one it takes over from. */
  to: RouterName;
  from: RouterName;
  /** Events from this time on (ms) belong to the switch-over. */
  after: number;
}

/** Figures of a switch-over; times in epoch ms, durations in ms. */
export interface SwitchFigures {
  serviceAt: number;
  priorityAt: number;
  priority: { from: number; to: number };
  masterAt: number;
  masterReason: string;
  answerAt: number;
  detectionMs: number;
  protocolMs: number;
  dataPlaneMs: number;
  /** serviceAt -> the client's first answer from the new router. */
  totalMs: number;
  /** The client's gap: its last answer from the old router -> its first from the new one. */
  clientGapMs: number;
  /** Failed requests in that gap. */
  clientErrors: number;
}

/** The figures, or the first thing that did not happen (as a sentence). */
export function measure(tl: Timeline, s: SwitchSpec): SwitchFigures | { missing: string } {
  const service = tl.first('service', s.after, (e) => e.router === s.service && e.event === s.serviceEvent);
  if (!service) return { missing: `${s.service}'s HTTP service did not report ${s.serviceEvent}` };
  const dir = s.serviceEvent === 'stopped' ? 'drop' : 'rise';
  const prio = tl.first('priority', service.t, (e) => e.router === s.service && (dir === 'drop' ? e.to < e.from : e.to > e.from));
  if (!prio) return { missing: `${s.service}'s effective priority did not ${dir} after its service was ${s.serviceEvent}` };
  const master = tl.first('state', prio.t, (e) => e.router === s.to && e.to === 'MASTER');
  if (!master) return { missing: `${s.to} did not become MASTER after ${s.service}'s priority ${prio.from} -> ${prio.to}` };
  const answer = tl.first('answer', master.t, (e) => e.by === s.to);
  if (!answer) return { missing: `the client got no answer from ${s.to} after it became MASTER` };
  const lastOld = tl.last('answer', answer.t, (e) => e.by === s.from);
  const gapFrom = lastOld?.t ?? service.t;
  return {
    serviceAt: service.t,
    priorityAt: prio.t,
    priority: { from: prio.from, to: prio.to },
    masterAt: master.t,
    masterReason: master.reason,
    answerAt: answer.t,
    detectionMs: prio.t - service.t,
    protocolMs: master.t - prio.t,
    dataPlaneMs: answer.t - master.t,
    totalMs: answer.t - service.t,
    clientGapMs: answer.t - gapFrom,
    clientErrors: tl.count('client-error', gapFrom, answer.t),
  };
}
