/**
 * track_interface: the link state of one interface, fed by the link watcher at the edge.
 * keepalived.conf(5) "VRRP instance(s)", track_interface; behaviour checked against keepalived 2.2.7.
 */
import {
  binaryContribution,
  checkInteger,
  type Contribution,
  type Tracker,
  binaryView,
  type TrackState,
  type WeightOverride,
} from './tracker';

/** Smallest and largest track_interface weight keepalived accepts (-253..253 inclusive). */
export const INTERFACE_WEIGHT_MIN = -253;
/** See {@link INTERFACE_WEIGHT_MIN}. */
export const INTERFACE_WEIGHT_MAX = 253;

/** Linux `IFF_UP` (administratively up). */
export const IFF_UP = 0x1;
/** Linux `IFF_RUNNING` (operationally up: carrier present). */
export const IFF_RUNNING = 0x40;

/**
 * Whether keepalived counts an interface with these netlink `ifi_flags` as up: both IFF_UP and IFF_RUNNING
 * must be set (its IF_FLAGS_UP). For the link watcher at the edge.
 */
export function linkUpFromFlags(flags: number): boolean {
  return (flags & (IFF_UP | IFF_RUNNING)) === (IFF_UP | IFF_RUNNING);
}

/** One entry of `track_interface { IF [weight W [reverse]] }`. */
export interface InterfaceTrackerConfig {
  readonly ifname: string;
  /** -253..253, default 0 (0: the interface going down puts the instance in FAULT). */
  readonly weight?: number;
  /** Reverse the direction of the adjustment; with weight 0, FAULT while the interface is up. */
  readonly reverse?: boolean;
}

/**
 * A tracked interface. Weight rules (keepalived, verified on 2.2.7 by downing a veth):
 * weight 0 -> FAULT while down; `weight 10` -> +10 while up; `weight -10` -> -10 while down;
 * `weight -10 reverse` -> +10 while down; `weight 10 reverse` -> -10 while up; `weight 0 reverse` -> FAULT
 * while up. Until the first {@link linkChanged} the state is `'init'`: no adjustment, and a weight-0
 * tracker keeps the instance pending (the edge reports every link state at startup).
 */
export class InterfaceTracker implements Tracker {
  readonly kind = 'interface' as const;
  readonly name: string;
  readonly ifname: string;
  readonly weight: number;
  readonly reverse: boolean;
  private state: TrackState = 'init';

  /** @throws VrrpError `CONFIG` when the weight is out of -253..253. */
  constructor(config: InterfaceTrackerConfig) {
    this.ifname = config.ifname;
    this.name = config.ifname;
    this.weight = checkInteger(
      `track_interface ${config.ifname}: weight`,
      config.weight ?? 0,
      INTERFACE_WEIGHT_MIN,
      INTERFACE_WEIGHT_MAX,
    );
    this.reverse = config.reverse ?? false;
  }

  /** `'init'` until the first report, then `'up'` or `'down'`. */
  status(): TrackState {
    return this.state;
  }

  /**
   * Feeds the link state (`up`: IFF_UP and IFF_RUNNING, see {@link linkUpFromFlags}).
   * @returns true when {@link status} changed (including leaving `'init'`).
   */
  linkChanged(up: boolean): boolean {
    const next: TrackState = up ? 'up' : 'down';
    const changed = next !== this.state;
    this.state = next;
    return changed;
  }

  /** This interface's effect with its own weight and reverse (see `binaryContribution`). */
  contribution(): Contribution {
    return binaryContribution(this.state, this.weight, this.reverse);
  }

  /**
   * A view with another instance's weight and reverse for the same interface, sharing its link state.
   * @throws VrrpError `CONFIG` when the weight is out of -253..253.
   */
  forInstance(override: WeightOverride): Tracker {
    return binaryView(this, `track_interface ${this.ifname}`, override, [INTERFACE_WEIGHT_MIN, INTERFACE_WEIGHT_MAX], () => this.state);
  }
}
