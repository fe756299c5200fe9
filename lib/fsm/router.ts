/**
 * The sans-I/O VRRP virtual router (RFC 9568 §6.4, RFC 3768 §6.4 for v2, keepalived extensions).
 * It never reads a clock, never sets a timer and never touches a socket: every input carries `now`
 * (milliseconds on any monotonic scale, fractions allowed) and every call returns the actions to perform.
 * The driver calls `timer(now)` once `now >= nextDeadline()`.
 */
import type { Advertisement } from '../packet/advertisement';
import { canonicalOfFamily } from '../packet/address-cache';
import { buildAdvert, rejectReason } from './advert';
import { resolveConfig, ResolvedConfig } from './config';
import { assertNever } from '../assert';
import { VrrpError } from '../errors';
import { PRIORITY_OWNER, PRIORITY_STOP } from '../packet/constants';
import { effectivePriority } from '../track/impact';
import { outranks } from './priority';
import { deadlineMs, initialMasterWaitCs, masterDownIntervalCs, preemptDelayMs, skewTimeCs } from './timers';
import type { Action, AdvertDropReason, RouterConfig, RouterState, TrackingImpact, TransitionReason } from './types';

/** Reasons a Backup's Master_Down_Timer can fire for (reported on the BACKUP -> MASTER change). */
type TakeoverReason = Extract<TransitionReason, 'master-down-timer' | 'priority-zero' | 'preempted'>;


/** Where an advert came from: the IP source address (the sender's primary address, RFC 9568 §7.2). */
export interface AdvertSource {
  src: string;
}

/** One VRRP virtual router instance (one VRID, one family). */
export class VirtualRouter {
  private cfg: ResolvedConfig;
  private current: RouterState = 'INIT';
  private priorityDelta = 0;
  private ownFault = false;
  private groupFault = false;
  private masterAdverCs: number;
  private adverDeadline: number | null = null;
  private downDeadline: number | null = null;
  private preemptUntil: number | null = null;
  private takeoverReason: TakeoverReason = 'master-down-timer';
  private wantMaster = false;
  private gate: (() => boolean) | null = null;
  private knownMaster: string | null = null;

  /** @throws VrrpError CONFIG when `config` is invalid (see resolveConfig). */
  constructor(config: RouterConfig) {
    this.cfg = resolveConfig(config);
    this.masterAdverCs = this.cfg.intervalCs;
  }

  /** The validated configuration with defaults filled in (replaced by `reconfigure`). */
  get config(): ResolvedConfig {
    return this.cfg;
  }

  /**
   * Reload: takes a new configuration for the same VRID, family and version, keeping state and timers.
   * A MASTER whose virtual addresses changed releases the ones gone, adds and announces the new ones, and
   * (whatever changed) advertises at once with its new priority and interval, so a peer that now outranks
   * it preempts it after its own Master_Down_Timer (RFC 9568 §6.4.2); a BACKUP's new priority counts from
   * the next advert it hears. @throws VrrpError CONFIG when `config` is invalid or changes VRID, family or
   * version (those need a new router).
   */
  reconfigure(now: number, config: RouterConfig): Action[] {
    const next = resolveConfig(config);
    if (next.vrid !== this.cfg.vrid || next.family !== this.cfg.family || next.version !== this.cfg.version) {
      throw new VrrpError('CONFIG', `vrrp_instance ${next.name}: VRID, family and version cannot change in place`);
    }
    const before = this.priority;
    const old = new Set(this.cfg.virtualAddresses);
    this.cfg = next;
    const actions: Action[] = [];
    if (this.priority !== before) actions.push({ type: 'priority-change', from: before, to: this.priority });
    if (this.current !== 'MASTER') return actions;
    const kept = new Set(next.virtualAddresses);
    const gone = [...old].filter((a) => !kept.has(a));
    const added = next.virtualAddresses.filter((a) => !old.has(a));
    if (gone.length > 0) actions.push({ type: 'remove-vips', addresses: gone });
    if (added.length > 0) actions.push({ type: 'add-vips', addresses: added }, { type: 'announce', addresses: [...added] });
    this.adverDeadline = deadlineMs(now, this.cfg.intervalCs);
    actions.push(this.advert(this.priority));
    return actions;
  }

  /** Current state. */
  get state(): RouterState {
    return this.current;
  }

  /** Effective priority 1..255: base plus tracker delta, clamped; 255 stays 255 (RFC 9568 §5.2.4). */
  get priority(): number {
    return effectivePriority(this.config.priority, this.priorityDelta);
  }

  /** Master_Adver_Interval in centiseconds: learned from the Master in v3 (RFC 9568 §6.4.2). */
  get masterAdverIntervalCs(): number {
    return this.masterAdverCs;
  }

  /** Primary address of the current Master as last heard (ours when MASTER), or null when unknown. */
  get masterAddress(): string | null {
    return this.current === 'MASTER' ? this.config.primaryAddress : this.knownMaster;
  }

  /** True while a Backup's Master_Down_Timer has fired but a sync group holds it in BACKUP. */
  get wantsMaster(): boolean {
    return this.wantMaster;
  }

  /** Fault sources: `own` from this instance's trackers, `group` imposed by its sync group. */
  get faults(): { own: boolean; group: boolean } {
    return { own: this.ownFault, group: this.groupFault };
  }

  /** The absolute time (ms) at which `timer` must next be called, or null when no timer runs. */
  nextDeadline(): number | null {
    switch (this.current) {
      case 'MASTER':
        return this.adverDeadline;
      case 'BACKUP':
        return this.downDeadline;
      case 'INIT':
      case 'FAULT':
        return null;
      default:
        return assertNever(this.current);
    }
  }

  /**
   * Startup event (RFC 9568 §6.4.1): the owner (priority 255) becomes MASTER at once; anyone else
   * becomes BACKUP and waits Master_Down_Interval (keepalived `state MASTER`: one interval plus a
   * minimal skew). A faulted instance enters FAULT (keepalived). Ignored unless in INIT.
   */
  startup(now: number): Action[] {
    if (this.current !== 'INIT') return [];
    if (this.ownFault || this.groupFault) return this.moveTo('FAULT', 'fault');
    if (this.priority === PRIORITY_OWNER) return this.becomeMaster(now, 'owner-startup');
    const waitCs =
      this.config.initialState === 'MASTER'
        ? initialMasterWaitCs(this.config.version, this.config.intervalCs)
        : masterDownIntervalCs(this.config.version, this.priority, this.config.intervalCs, this.config.downTimerAdverts);
    const actions = this.becomeBackup('startup', this.config.intervalCs);
    this.downDeadline = deadlineMs(now, waitCs);
    this.preemptUntil = this.config.preemptDelayCs > 0 ? now + preemptDelayMs(this.config.preemptDelayCs) : null;
    return actions;
  }

  /**
   * An advertisement arrived from `from.src` (already decoded and through lib/packet's receive rules).
   * Applies RFC 9568 §6.4.2 (Backup) or §6.4.3 (MASTER); ignores it in INIT and FAULT.
   */
  receive(advert: Advertisement, from: AdvertSource, now: number): Action[] {
    const src = canonicalOfFamily(from.src, this.config.family);
    if (src === null) return drop('FAMILY_MISMATCH');
    switch (this.current) {
      case 'INIT':
        return drop('STATE_INIT');
      case 'FAULT':
        return drop('STATE_FAULT');
      case 'BACKUP':
      case 'MASTER': {
        const reject = rejectReason(this.config, advert, src);
        if (reject !== null) return drop(reject);
        return this.current === 'BACKUP' ? this.backupReceive(advert, src, now) : this.masterReceive(advert, src, now);
      }
      default:
        return assertNever(this.current);
    }
  }

  /**
   * Timer expiry: MASTER sends its periodic advert (RFC 9568 §6.4.3 Adver_Timer); BACKUP takes over
   * when Master_Down_Timer fires (§6.4.2). Calls before the deadline return nothing.
   */
  timer(now: number): Action[] {
    const deadline = this.nextDeadline();
    if (deadline === null || now < deadline) return [];
    if (this.current === 'MASTER') {
      // Periodic from the deadline, not from when the timer ran (drift-free Adver_Timer): a shell late by a
      // few ms (other instances' adverts in the same turn, a GC pause) shortens one gap instead of pushing
      // every later advert back; late by a whole interval or more, the next is an interval from now.
      const next = deadlineMs(deadline, this.config.intervalCs);
      this.adverDeadline = next > now ? next : deadlineMs(now, this.config.intervalCs);
      return [this.advert(this.priority)];
    }
    this.wantMaster = true;
    if (this.gate !== null && !this.gate()) {
      this.downDeadline = deadlineMs(now, this.masterDownCs());
      return [];
    }
    return this.becomeMaster(now, this.takeoverReason);
  }

  /**
   * Shutdown event: a MASTER sends priority 0 and releases its addresses (RFC 9568 §6.4.3); every
   * state cancels its timers and returns to INIT (§6.4.2).
   */
  shutdown(_now: number): Action[] {
    if (this.current === 'INIT') return [];
    return this.moveTo('INIT', 'shutdown');
  }

  /**
   * New tracker impact (lib/track). The effective priority changes at once (used by the next advert and
   * the next timer computation). `fault` true enters keepalived's FAULT (a MASTER sends priority 0
   * first); false leaves it: the owner becomes MASTER at once, anyone else BACKUP with a full
   * Master_Down_Interval (keepalived 2.2 `try_up_instance`).
   */
  setTracking(now: number, impact: TrackingImpact): Action[] {
    const actions: Action[] = [];
    const before = this.priority;
    this.priorityDelta = impact.priorityDelta;
    if (this.priority !== before) actions.push({ type: 'priority-change', from: before, to: this.priority });
    if (impact.fault && !this.ownFault) {
      this.ownFault = true;
      if (this.current === 'BACKUP' || this.current === 'MASTER') actions.push(...this.moveTo('FAULT', 'fault', impact.reason));
    } else if (!impact.fault && this.ownFault) {
      this.ownFault = false;
      if (this.current === 'FAULT' && !this.groupFault) actions.push(...this.leaveFault(now));
    }
    return actions;
  }

  /**
   * Sync group hook: called when the Master_Down_Timer fires; returning false keeps this instance in
   * BACKUP (re-armed for a Master_Down_Interval) with `wantsMaster` set. null removes the gate.
   */
  setMasterGate(gate: (() => boolean) | null): void {
    this.gate = gate;
  }

  /** Sync group hook: force BACKUP -> MASTER or MASTER -> BACKUP (reason `sync-group`); else nothing. */
  syncTo(now: number, target: 'MASTER' | 'BACKUP'): Action[] {
    if (target === 'MASTER' && this.current === 'BACKUP') return this.becomeMaster(now, 'sync-group');
    if (target === 'BACKUP' && this.current === 'MASTER') {
      const actions = this.becomeBackup('sync-group', this.config.intervalCs);
      this.downDeadline = deadlineMs(now, this.masterDownCs());
      return actions;
    }
    return [];
  }

  /** Sync group hook: impose (true) or lift (false) a fault held by another member of the group. */
  setGroupFault(now: number, on: boolean): Action[] {
    if (on === this.groupFault) return [];
    this.groupFault = on;
    if (on) return this.current === 'BACKUP' || this.current === 'MASTER' ? this.moveTo('FAULT', 'sync-group') : [];
    return this.current === 'FAULT' && !this.ownFault ? this.leaveFault(now) : [];
  }

  private backupReceive(ad: Advertisement, src: string, now: number): Action[] {
    const p = ad.priority;
    if (p === PRIORITY_STOP) {
      this.downDeadline = deadlineMs(now, skewTimeCs(this.config.version, this.priority, this.masterAdverCs));
      this.takeoverReason = 'priority-zero';
      return [];
    }
    const ours = this.priority;
    const delayMs = preemptDelayMs(this.config.preemptDelayCs);
    const holding = delayMs > 0 && (this.preemptUntil === null || now < this.preemptUntil);
    if (!this.config.preempt || p >= ours || holding) {
      if (delayMs > 0) {
        if (p >= ours) this.preemptUntil = null;
        else if (this.preemptUntil === null) this.preemptUntil = now + delayMs;
      }
      if (ad.version === 3) this.masterAdverCs = ad.intervalCs;
      this.downDeadline = deadlineMs(now, this.masterDownCs());
      this.takeoverReason = 'master-down-timer';
      this.wantMaster = false;
      this.knownMaster = src;
      return [];
    }
    this.takeoverReason = 'preempted';
    return [];
  }

  private masterReceive(ad: Advertisement, src: string, now: number): Action[] {
    if (ad.priority === PRIORITY_STOP) {
      this.adverDeadline = deadlineMs(now, this.config.intervalCs);
      return [this.advert(this.priority)];
    }
    if (outranks(ad.priority, src, this.priority, this.config.primaryAddress)) {
      // keepalived higher_prio_send_advert: one advert of ours first, still as MASTER.
      const last = this.config.higherPrioSendAdvert ? [this.advert(this.priority)] : [];
      const actions = [...last, ...this.becomeBackup('higher-priority-advert', ad.version === 3 ? ad.intervalCs : this.config.intervalCs)];
      this.downDeadline = deadlineMs(now, this.masterDownCs());
      this.knownMaster = src;
      return actions;
    }
    return this.config.lowerPrioNoAdvert ? [] : [this.advert(this.priority)];
  }

  private masterDownCs(): number {
    return masterDownIntervalCs(this.config.version, this.priority, this.masterAdverCs, this.config.downTimerAdverts);
  }

  /** The last send-advert action, for its configuration and priority (a MASTER repeats it every interval). */
  private lastAdvert: { config: RouterConfig; priority: number; action: Action } | null = null;

  /** A send-advert action; the same frozen object while configuration and priority stay (nothing allocated per advert). */
  private advert(priority: number): Action {
    const last = this.lastAdvert;
    if (last !== null && last.config === this.config && last.priority === priority) return last.action;
    const action: Action = Object.freeze({ type: 'send-advert', advert: Object.freeze(buildAdvert(this.config, priority)) });
    this.lastAdvert = { config: this.config, priority, action };
    return action;
  }

  private becomeMaster(now: number, reason: TransitionReason): Action[] {
    const from = this.current;
    this.current = 'MASTER';
    this.adverDeadline = deadlineMs(now, this.config.intervalCs);
    this.downDeadline = null;
    this.preemptUntil = null;
    this.wantMaster = false;
    const vips = [...this.config.virtualAddresses];
    return [
      this.advert(this.priority),
      { type: 'add-vips', addresses: vips },
      { type: 'announce', addresses: [...vips] },
      { type: 'state-change', from, to: 'MASTER', reason },
    ];
  }

  /** Enters BACKUP with Master_Adver_Interval = `intervalCs`; the caller sets the down timer. */
  private becomeBackup(reason: TransitionReason, intervalCs: number): Action[] {
    const from = this.current;
    const actions: Action[] = from === 'MASTER' ? [{ type: 'remove-vips', addresses: [...this.config.virtualAddresses] }] : [];
    this.current = 'BACKUP';
    this.masterAdverCs = intervalCs;
    this.adverDeadline = null;
    this.preemptUntil = null;
    this.takeoverReason = 'master-down-timer';
    this.wantMaster = false;
    if (from === 'MASTER') this.knownMaster = null;
    actions.push({ type: 'state-change', from, to: 'BACKUP', reason });
    return actions;
  }

  /** Leaves BACKUP or MASTER for FAULT or INIT; a MASTER sends priority 0 and releases its addresses. */
  private moveTo(to: 'FAULT' | 'INIT', reason: TransitionReason, detail?: string): Action[] {
    const from = this.current;
    const actions: Action[] = [];
    if (from === 'MASTER') {
      actions.push(this.advert(PRIORITY_STOP), { type: 'remove-vips', addresses: [...this.config.virtualAddresses] });
    }
    this.current = to;
    this.adverDeadline = null;
    this.downDeadline = null;
    this.preemptUntil = null;
    this.wantMaster = false;
    this.knownMaster = null;
    actions.push(detail === undefined ? { type: 'state-change', from, to, reason } : { type: 'state-change', from, to, reason, detail });
    return actions;
  }

  private leaveFault(now: number): Action[] {
    if (this.priority === PRIORITY_OWNER) return this.becomeMaster(now, 'fault-cleared');
    const actions = this.becomeBackup('fault-cleared', this.config.intervalCs);
    this.downDeadline = deadlineMs(now, this.masterDownCs());
    return actions;
  }
}

function drop(reason: AdvertDropReason): Action[] {
  return [{ type: 'drop', reason }];
}
