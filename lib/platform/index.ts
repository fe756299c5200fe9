/** Virtual addresses and their announcements: the Platform contract, Linux and in-memory implementations. */
export { InterfaceAddress, isEmptyVipDrops, LinkInfo, noVipDrops, Platform, splitCidr, Unsubscribe, VipDrops, VmacResult } from './types';
export { applyVipDrops, DEFAULT_NFT_TABLE, NftOptions, nftVipDropScript } from './firewall';
export { createVmac, removeVmac, defaultVmacName, VmacOptions } from './vmac';
export { LinuxPlatform, LinuxPlatformOptions, FrameSender } from './linux';
export { MemoryPlatform, Announcement } from './memory';
export { ScriptPlatform, ScriptPlatformOptions } from './script';
export { scanProcesses, ProcessScanOptions, parseStat, parseCmdline } from './processes';
