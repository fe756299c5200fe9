/**
 * keepalived keywords that are valid in keepalived 2.2.7 but outside what vrrpd does, each with the reason
 * given in its warning (keepalived.conf(5)): nothing keepalived accepts is dropped without a word.
 */

const IPVS_SYNC = "is keepalived's IPVS connection sync, not VRRP; vrrpd ignores it (run the IPVS sync daemon with ipvsadm --start-daemon on each director)";
const LVS = "belongs to keepalived's LVS/IPVS checker, not VRRP; vrrpd ignores it (configure IPVS with ipvsadm on each director)";
const SMTP = 'is keepalived\'s e-mail alerting; vrrpd sends no e-mail and ignores it (send mail from a notify script)';
const BFD = 'is BFD, which vrrpd does not implement; ignored';
const PROCESS = "tunes keepalived's own processes (names, scheduling, memory, namespaces, pid files); vrrpd ignores it (set it on the vrrpd service, e.g. in its systemd unit)";
const SNMP = 'is SNMP/DBus, which vrrpd does not offer; ignored (use `vrrpd status` or the metrics)';
const BUFFERS = "sizes keepalived's netlink/socket buffers; vrrpd ignores it";
const FIREWALL = 'configures the firewall keepalived uses for no_accept and VMACs; vrrpd ignores it (its no_accept drops live in its own nftables table, inet vrrpd)';
const RELOAD = "controls keepalived's configuration reloads and dumps; vrrpd ignores it (reload vrrpd with SIGHUP)";

/** global_defs keywords with their reason. */
export const GLOBAL_FOREIGN = new Map<string, string>([
  ...['lvs_sync_daemon', 'lvs_id', 'lvs_flush', 'lvs_timeouts'].map((k): [string, string] => [k, IPVS_SYNC]),
  ...['lvs_flush_on_stop', 'lvs_notify_fifo', 'lvs_notify_fifo_script', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
    'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'checker_log_all_failures', 'rs_init_notifies', 'no_checker_emails',
    'net_namespace_ipvs', 'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark', 'checker_process_name', 'checker_priority',
    'checker_no_swap', 'checker_cpu_affinity', 'checker_rt_priority', 'checker_rlimit_rttime'].map((k): [string, string] => [k, LVS]),
  ...['notification_email', 'notification_email_from', 'smtp_server', 'smtp_helo_name', 'smtp_connect_timeout', 'smtp_alert', 'smtp_alert_vrrp',
    'smtp_alert_checker', 'no_email_faults'].map((k): [string, string] => [k, SMTP]),
  ...['bfd_process_name', 'bfd_priority', 'bfd_no_swap', 'bfd_cpu_affinity', 'bfd_rt_priority', 'bfd_rlimit_rttime'].map((k): [string, string] => [k, BFD]),
  ...['tmp_config_directory', 'process_names', 'process_name', 'vrrp_process_name', 'max_auto_priority', 'min_auto_priority_delay', 'vrrp_priority',
    'vrrp_no_swap', 'vrrp_cpu_affinity', 'vrrp_rt_priority', 'vrrp_rlimit_rttime', 'umask', 'net_namespace', 'namespace_with_ipsets', 'instance',
    'use_pid_dir', 'child_wait_time', 'linkbeat_use_polling'].map((k): [string, string] => [k, PROCESS]),
  ...['snmp_socket', 'enable_snmp_vrrp', 'enable_snmp_checker', 'enable_snmp_rfc', 'enable_snmp_rfcv2', 'enable_snmp_rfcv3', 'enable_snmp_keepalived',
    'enable_traps', 'enable_dbus', 'dbus_service_name', 'dbus_no_interface_name'].map((k): [string, string] => [k, SNMP]),
  ...['vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force',
    'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force', 'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier'].map((k): [string, string] => [k, BUFFERS]),
  ...['vrrp_iptables', 'vrrp_ipsets', 'nftables', 'nftables_priority', 'nftables_counters', 'nftables_ifindex', 'disable_local_igmp'].map((k): [string, string] => [k, FIREWALL]),
  ...['config_save_dir', 'reload_check_config', 'reload_time_file', 'reload_repeat', 'reload_file', 'data_use_instance'].map((k): [string, string] => [k, RELOAD]),
  ['include_check', 'is not implemented by vrrpd; ignored (write includea, includer, includem or includew on each include line instead)'],
]);

/** vrrp_instance keywords with their reason. */
export const INSTANCE_FOREIGN = new Map<string, string>([
  ['lvs_sync_daemon_interface', IPVS_SYNC],
  ['smtp_alert', SMTP],
  ['track_bfd', BFD],
  ['kernel_rx_buf_size', BUFFERS],
  ['linkbeat_use_polling', 'is deprecated in keepalived (use linkbeat_interfaces); vrrpd reads link state from netlink and ignores it'],
  ['debug', 'is "not implemented yet" in keepalived itself; ignored'],
]);

/** vrrp_sync_group keywords with their reason. */
export const SYNC_GROUP_FOREIGN = new Map<string, string>([
  ['smtp_alert', SMTP],
  ['track_bfd', BFD],
]);

/** Top-level blocks and keywords with their reason. */
export const TOP_FOREIGN = new Map<string, string>([
  ['virtual_server', "is keepalived's LVS/IPVS checker, not VRRP; vrrpd ignores it and its real_server blocks (vrrpd moves the VIP only: configure IPVS with ipvsadm on each director)"],
  ['virtual_server_group', "is keepalived's LVS/IPVS checker, not VRRP; vrrpd ignores it (configure IPVS with ipvsadm on each director)"],
  ['bfd_instance', BFD],
  ['static_ipaddress', 'adds addresses that never move; vrrpd does not manage static addresses and ignores it (configure them in the host\'s network configuration)'],
  ['static_routes', 'adds routes that never move; vrrpd does not manage static routes and ignores it (configure them in the host\'s network configuration)'],
  ['static_rules', 'adds rules that never move; vrrpd does not manage static rules and ignores it (configure them in the host\'s network configuration)'],
  ['track_group', 'names the instances tracking static addresses/routes/rules, which vrrpd does not manage; ignored'],
  ['linkbeat_interfaces', 'selects MII/ethtool polling; vrrpd reads link state from netlink and ignores it'],
  ['interface_up_down_delays', 'debounces link changes; vrrpd does not delay link changes yet and ignores it'],
  ['garp_group', 'rate-limits GARP/NA per interface; vrrpd does not apply garp_group yet (only vrrp_garp_interval / vrrp_gna_interval) and ignores it'],
  ...['net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'instance', 'use_pid_dir', 'linkbeat_use_polling', 'child_wait_time'].map((k): [string, string] => [k, PROCESS]),
]);
