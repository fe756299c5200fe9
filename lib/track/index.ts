/** keepalived's trackers as pure code: vrrp_script, track_interface, track_file, vrrp_track_process, and their combination. */
export * from './tracker';
export * from './script';
export * from './interface';
export * from './file';
export * from './process';
export * from './process-match';
export * from './impact';
export * from './set';
