/**
 * Typed events over a virtual router: `ObservedRouter` forwards each call to the router and emits one
 * event per action it returns. Pure: no clock, no I/O; listeners run synchronously inside the call.
 */
import EventEmitter from 'eventemitter3';
import type { Advertisement } from '../packet/advertisement';
import { assertNever } from '../assert';
import { AdvertSource, VirtualRouter } from './router';
import type { Action, AdvertDropReason, RouterState, TrackingImpact, TransitionReason } from './types';

/** Events of an observed router and their listener signatures. */
export interface RouterEvents {
  /** The state changed (`detail`: e.g. the tracker's fault reasons). */
  'state-change': (from: RouterState, to: RouterState, reason: TransitionReason, detail?: string) => void;
  /** The effective priority changed. */
  'priority-change': (from: number, to: number) => void;
  /** An advert is to be sent (emitted when the router asks for it, before the driver sends it). */
  'advert-sent': (advert: Advertisement) => void;
  /** An advert was handed to the router, with its IP source address. */
  'advert-received': (advert: Advertisement, src: string) => void;
  /** The router ignored an advert. */
  drop: (reason: AdvertDropReason) => void;
  /** Virtual addresses are to be added (entering MASTER). */
  'vips-added': (addresses: string[]) => void;
  /** Virtual addresses are to be removed (leaving MASTER). */
  'vips-removed': (addresses: string[]) => void;
  /** GARP / unsolicited NA are to be sent for these addresses. */
  announce: (addresses: string[]) => void;
}

/** A `VirtualRouter` that emits `RouterEvents` for the actions it returns. Methods return the actions. */
export class ObservedRouter extends EventEmitter<RouterEvents> {
  /** The wrapped router. */
  readonly router: VirtualRouter;

  constructor(router: VirtualRouter) {
    super();
    this.router = router;
  }

  /** Current state of the wrapped router. */
  get state(): RouterState {
    return this.router.state;
  }

  /** See `VirtualRouter.nextDeadline` (ms). */
  nextDeadline(): number | null {
    return this.router.nextDeadline();
  }

  /** See `VirtualRouter.startup`. */
  startup(now: number): Action[] {
    return this.observe(this.router.startup(now));
  }

  /** Emits 'advert-received', then see `VirtualRouter.receive`. */
  receive(advert: Advertisement, from: AdvertSource, now: number): Action[] {
    this.emit('advert-received', advert, from.src);
    return this.observe(this.router.receive(advert, from, now));
  }

  /** See `VirtualRouter.timer`. */
  timer(now: number): Action[] {
    return this.observe(this.router.timer(now));
  }

  /** See `VirtualRouter.shutdown`. */
  shutdown(now: number): Action[] {
    return this.observe(this.router.shutdown(now));
  }

  /** See `VirtualRouter.setTracking`. */
  setTracking(now: number, impact: TrackingImpact): Action[] {
    return this.observe(this.router.setTracking(now, impact));
  }

  /** Emits the events of `actions` (e.g. extra actions a sync group produced) and returns them. */
  observe(actions: Action[]): Action[] {
    for (const a of actions) this.emitAction(a);
    return actions;
  }

  private emitAction(a: Action): void {
    switch (a.type) {
      case 'state-change':
        this.emit('state-change', a.from, a.to, a.reason, a.detail);
        return;
      case 'priority-change':
        this.emit('priority-change', a.from, a.to);
        return;
      case 'send-advert':
        this.emit('advert-sent', a.advert);
        return;
      case 'drop':
        this.emit('drop', a.reason);
        return;
      case 'add-vips':
        this.emit('vips-added', a.addresses);
        return;
      case 'remove-vips':
        this.emit('vips-removed', a.addresses);
        return;
      case 'announce':
        this.emit('announce', a.addresses);
        return;
      default:
        assertNever(a);
    }
  }
}
