/** keepalived's trackers as pure code: vrrp_script, track_interface, track_file, and their combination. */
export * from './tracker';
export * from './script';
export * from './interface';
export * from './file';
export * from './impact';
export * from './set';
