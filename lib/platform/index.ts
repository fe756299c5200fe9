/** Virtual addresses and their announcements: the Platform contract, Linux and in-memory implementations. */
export { type InterfaceAddress, isEmptyVipDrops, type LinkInfo, noVipDrops, type Platform, splitCidr, type Unsubscribe, type VipDrops, type VmacResult } from './types';
export { applyVipDrops, DEFAULT_NFT_TABLE, type NftOptions, nftVipDropScript } from './firewall';
export { createVmac, removeVmac, defaultVmacName, type VmacOptions } from './vmac';
export { LinuxPlatform, type LinuxPlatformOptions, type FrameSender } from './linux';
export { MemoryPlatform, type Announcement } from './memory';
export { ScriptPlatform, type ScriptPlatformOptions } from './script';
export { scanProcesses, type ProcessScanOptions, parseStat, parseCmdline } from './processes';
