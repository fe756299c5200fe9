/**
 * keepalived `vrrp_sync_group`: instances that fail over together. A pure coordinator: the driver passes
 * every action list a member returned (even an empty one) to `process`, and performs the extra actions
 * it returns for the other members (then re-reads their `nextDeadline()`).
 *
 * Semantics (keepalived 2.2 vrrp_sync.c, vrrp_scheduler.c `try_up_instance`):
 * - FAULT: when one member enters FAULT, every member is held in FAULT (a MASTER sends priority 0 and
 *   releases its addresses first). The group leaves FAULT only when no member has a fault of its own;
 *   then every member goes BACKUP (the address owner MASTER), and the group follows.
 * - MASTER: a member whose Master_Down_Timer fires becomes MASTER only if every other member also wants
 *   MASTER (its own timer fired too) or the group is already MASTER ("prefer backup to avoid
 *   thrashing"); otherwise it stays BACKUP, re-armed for a Master_Down_Interval. Once one member
 *   becomes MASTER (timer, owner start-up, fault cleared), every BACKUP member is moved to MASTER at once.
 * - BACKUP: when a MASTER member drops to BACKUP (it heard a better router), every MASTER member drops to
 *   BACKUP (addresses released, no priority-0 advert), each with a full Master_Down_Interval.
 */
import { assertNever } from '../assert';
import { VirtualRouter } from './router';
import type { Action, RouterState } from './types';

type Emit = (router: VirtualRouter, produced: Action[]) => void;

/** State of a sync group: INIT until a member starts, then the state its members share. */
export type SyncGroupState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** Actions the coordinator produced for one member (perform them as if that member had returned them). */
export interface MemberActions {
  router: VirtualRouter;
  actions: Action[];
}

/** Coordinator of one keepalived `vrrp_sync_group`. */
export class SyncGroup {
  /** Group name (keepalived `vrrp_sync_group NAME`), for logs and notify scripts. */
  readonly name: string;
  /** The member instances, in configuration order. */
  readonly members: readonly VirtualRouter[];
  private current: SyncGroupState = 'INIT';

  /** Installs the master gate on every member. @throws TypeError when a router is listed twice. */
  constructor(name: string, members: readonly VirtualRouter[]) {
    if (new Set(members).size !== members.length) throw new TypeError(`sync group ${name}: a member is listed twice`);
    this.name = name;
    this.members = [...members];
    for (const m of this.members) m.setMasterGate(() => this.mayBecomeMaster(m));
  }

  /** The group's shared state. */
  get state(): SyncGroupState {
    return this.current;
  }

  /**
   * Takes the group's state from its members (a group rebuilt on reload around running instances): MASTER
   * when any member is MASTER, else FAULT when any is, else BACKUP when any is, else INIT.
   */
  adopt(): void {
    const states = new Set(this.members.map((m) => m.state));
    this.current = states.has('MASTER') ? 'MASTER' : states.has('FAULT') ? 'FAULT' : states.has('BACKUP') ? 'BACKUP' : 'INIT';
  }

  /** Removes the master gates (the members then act alone). */
  dispose(): void {
    for (const m of this.members) m.setMasterGate(null);
  }

  /**
   * Reacts to `actions` just returned by member `origin` at `now` and returns the extra actions for the
   * members (possibly including `origin`), in the order to perform them.
   */
  process(now: number, origin: VirtualRouter, actions: readonly Action[]): MemberActions[] {
    const out: MemberActions[] = [];
    const queue: MemberActions[] = [{ router: origin, actions: [...actions] }];
    const emit: Emit = (router, produced) => {
      if (produced.length === 0) return;
      out.push({ router, actions: produced });
      queue.push({ router, actions: produced });
    };
    for (;;) {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        for (const a of item.actions) if (a.type === 'state-change') this.onChange(now, item.router, a.to, emit);
      }
      if (!this.liftFault(now, emit)) break;
    }
    return out;
  }

  private onChange(now: number, router: VirtualRouter, to: RouterState, emit: Emit): void {
    switch (to) {
      case 'FAULT':
        if (this.current === 'FAULT') return;
        this.current = 'FAULT';
        for (const m of this.members) emit(m, m.setGroupFault(now, true));
        return;
      case 'MASTER':
        if (this.current === 'MASTER' || this.current === 'FAULT') return;
        this.current = 'MASTER';
        for (const m of this.members) if (m !== router) emit(m, m.syncTo(now, 'MASTER'));
        return;
      case 'BACKUP':
        if (this.current === 'MASTER') {
          this.current = 'BACKUP';
          for (const m of this.members) if (m !== router) emit(m, m.syncTo(now, 'BACKUP'));
        } else if (this.current === 'INIT') {
          this.current = 'BACKUP';
        }
        return;
      case 'INIT':
        if (this.members.every((m) => m.state === 'INIT')) this.current = 'INIT';
        return;
      default:
        assertNever(to);
    }
  }

  /** Lifts the group fault once no member has a fault of its own; true when it did. */
  private liftFault(now: number, emit: Emit): boolean {
    if (this.current !== 'FAULT' || this.members.some((m) => m.faults.own)) return false;
    this.current = 'BACKUP';
    for (const m of this.members) emit(m, m.setGroupFault(now, false));
    if (this.members.every((m) => m.state === 'INIT')) this.current = 'INIT';
    return true;
  }

  private mayBecomeMaster(candidate: VirtualRouter): boolean {
    if (this.current === 'MASTER') return true;
    return this.members.every((m) => m === candidate || m.wantsMaster || m.state === 'MASTER');
  }
}
