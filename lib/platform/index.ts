/** Virtual addresses and their announcements: the Platform contract, Linux and in-memory implementations. */
export { InterfaceAddress, Platform, splitCidr } from './types';
export { LinuxPlatform, LinuxPlatformOptions, FrameSender } from './linux';
export { MemoryPlatform, Announcement } from './memory';
