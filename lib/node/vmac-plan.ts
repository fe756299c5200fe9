/**
 * keepalived `use_vmac [NAME]` for the node core: which interface holds an instance's VIPs, which one its
 * adverts leave from, and the virtual MAC its announcements carry (RFC 9568 §7.3).
 */
import type { VrrpInstance } from '../config/types';
import { virtualMac } from '../packet/ethernet';

/** keepalived's default vmac name: `vrrp.<VRID>`. */
export function defaultVmacName(vrid: number): string {
  return `vrrp.${vrid}`;
}

/** The vmac of an instance with `use_vmac`, or null. */
export interface VmacPlan {
  /** NAME of `use_vmac NAME`, default `vrrp.<VRID>`. */
  name: string;
  base: string;
  /** 00:00:5e:00:01:VRID (IPv4) / 00:00:5e:00:02:VRID (IPv6). */
  mac: string;
  /** `vmac_xmit_base`: adverts leave from (and are received on) the base interface. */
  xmitBase: boolean;
}

export function vmacOf(inst: VrrpInstance): VmacPlan | null {
  if (!inst.useVmac) return null;
  return { name: inst.useVmac.name ?? defaultVmacName(inst.vrid), base: inst.interface, mac: virtualMac(inst.vrid, inst.family), xmitBase: inst.vmacXmitBase };
}

/** Default device of the VIPs: the vmac, else the instance's interface. */
export function vipDeviceOf(inst: VrrpInstance): string {
  return vmacOf(inst)?.name ?? inst.interface;
}

/** Interface the adverts are sent and received on: the vmac unless `vmac_xmit_base`. */
export function xmitInterfaceOf(inst: VrrpInstance): string {
  const v = vmacOf(inst);
  return v && !v.xmitBase ? v.name : inst.interface;
}
