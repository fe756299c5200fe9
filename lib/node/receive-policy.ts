/**
 * Per-instance decisions the node takes on a received advert beyond lib/packet's rules (keepalived.conf(5)):
 * skip_check_adv_addr, the lower-priority advert a MASTER answers with GARPs (garp_lower_prio_*), and the
 * note vrrpd gives where its always-on unicast source check differs from keepalived's default. Pure.
 */
import type { Action, RouterState } from '../fsm/types';
import type { Advertisement } from '../packet/advertisement';
import { PRIORITY_STOP } from '../packet/constants';
import type { ReceiveWarning } from '../packet/receive';

/**
 * keepalived `skip_check_adv_addr`: the address list of an advert from the master a BACKUP already follows
 * (`followed`, its source as last accepted) is not checked, so ADDRESS_LIST_DIFFERS is neither counted nor
 * logged for it. A new master's first advert, and every advert a MASTER hears, are checked.
 */
export function checkedWarnings(warnings: readonly ReceiveWarning[], skip: boolean, state: RouterState, followed: string | null, src: string): readonly ReceiveWarning[] {
  if (!skip || state !== 'BACKUP' || followed !== src || !warnings.includes('ADDRESS_LIST_DIFFERS')) return warnings;
  return warnings.filter((w) => w !== 'ADDRESS_LIST_DIFFERS');
}

/**
 * True when a router that was MASTER and still is answered `advert` as a lower-priority one (RFC 9568
 * §6.4.3 "otherwise"): not dropped, not priority 0 (that is a Backup's cue), not a better router.
 */
export function heardLowerPriority(wasMaster: boolean, advert: Advertisement, actions: readonly Action[], stateAfter: RouterState): boolean {
  return wasMaster && stateAfter === 'MASTER' && advert.priority !== PRIORITY_STOP && !actions.some((a) => a.type === 'drop');
}

/**
 * The one line said (once per instance and source) when an advert from outside `unicast_peer` is dropped
 * and the configuration did not ask for the check: keepalived without check_unicast_src would accept it.
 */
export function unknownPeerNote(instance: string, src: string): string {
  return `instance ${instance}: adverts from ${src} are dropped: it is not in unicast_peer (vrrpd always checks the source; keepalived does only with check_unicast_src). If it is one of the routers, add it to unicast_peer`;
}
