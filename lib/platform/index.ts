/** Virtual addresses and their announcements: the Platform contract, Linux and in-memory implementations. */
export { InterfaceAddress, LinkInfo, Platform, splitCidr, Unsubscribe, VmacResult } from './types';
export { createVmac, removeVmac, defaultVmacName, VmacOptions } from './vmac';
export { LinuxPlatform, LinuxPlatformOptions, FrameSender } from './linux';
export { MemoryPlatform, Announcement } from './memory';
export { ScriptPlatform, ScriptPlatformOptions } from './script';
export { scanProcesses, ProcessScanOptions, parseStat, parseCmdline } from './processes';
