/**
 * A tracker the configuration itself holds down: keepalived `unicast_fault_no_peer` with no `unicast_peer`
 * keeps its instance in FAULT instead of falling back to multicast (keepalived.conf(5), since 2.2.7).
 */
import type { Contribution, Tracker } from '../track';

/** Always failing, weight 0 (FAULT); `name` and `detail` say why in status and fault reasons. */
export class ConfigFault implements Tracker {
  readonly kind = 'config' as const;
  readonly weight = 0;
  readonly reverse = false;

  constructor(readonly name: string, private readonly detail: string) {}

  contribution(): Contribution {
    return { delta: 0, fault: true, pending: false, detail: this.detail };
  }
}

/** The FAULT of an instance with `unicast_fault_no_peer` and no peers. */
export function noPeerFault(): ConfigFault {
  return new ConfigFault('unicast_peer', 'none configured (unicast_fault_no_peer)');
}
