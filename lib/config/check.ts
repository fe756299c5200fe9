/**
 * What `vrrpd -t` adds to parsing: the configuration must be one the daemon would start. Every instance
 * goes through the same RouterConfig validation (lib/fsm resolveConfig) the daemon's start runs, so an
 * error it would raise is reported here, located at the instance.
 */
import { ConfigError, VrrpError } from '../errors';
import { resolveConfig } from '../fsm/config';
import { located } from './lexer';
import { toRouterConfig } from './router-config';
import type { KeepalivedConfig } from './types';

/** Source address used in place of the interface's own (the check does not look at the host). */
const PLACEHOLDER_SOURCE = { 4: '192.0.2.0', 6: 'fe80::' } as const;

/**
 * Checks that `config` (read from `file`) has at least one vrrp_instance and that each instance's fsm
 * configuration is valid, with the configured source address or a placeholder of the instance's family.
 * @throws ConfigError naming the file when no instance is configured, or the instance's file:line.
 */
export function checkRunnable(config: KeepalivedConfig, file: string): void {
  const [first] = runnableErrors(config, file);
  if (first) throw first;
}

/** Every error checkRunnable would raise (the missing-instance one only when `noInstance` is not false). */
export function runnableErrors(config: KeepalivedConfig, file: string, noInstance = true): ConfigError[] {
  const out: ConfigError[] = [];
  if (config.instances.length === 0 && noInstance) {
    out.push(located({ file, line: 1, col: 1 }, `no vrrp_instance is configured in ${file} (with its includes); add a \`vrrp_instance NAME { ... }\` block`));
  }
  for (const inst of config.instances) {
    const source = inst.unicastSrcIp ?? inst.mcastSrcIp ?? PLACEHOLDER_SOURCE[inst.family];
    try {
      resolveConfig(toRouterConfig(inst, config.global, source));
    } catch (e) {
      if (!(e instanceof VrrpError)) throw e;
      out.push(located(inst.at, `vrrp_instance ${inst.name} cannot start: ${e.message}`));
    }
  }
  return out;
}
