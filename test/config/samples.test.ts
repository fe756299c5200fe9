/**
 * keepalived 2.2.7's own sample configurations (doc/samples, copied unchanged into
 * fixtures/keepalived-samples/) through what `vrrpd -t` runs on them: checkConfig and runnableErrors. The
 * README there says which pass and why the others do not.
 */
import * as path from 'node:path';
import { checkConfig, fsConfigIO, runnableErrors } from '../../lib/config';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'keepalived-samples');

/** The errors `vrrpd -t` reports for a sample (without the file system checks of its scripts). */
function check(name: string, configId = 'main'): { errors: string[]; instances: number } {
  const file = path.join(DIR, name);
  const r = checkConfig(file, fsConfigIO, { configId });
  const errors = [...r.errors, ...(r.errors.length === 0 ? runnableErrors(r.config, file) : [])];
  return { errors: errors.map((e) => e.message.slice(file.length + 1)), instances: r.config.instances.length };
}

describe('keepalived sample configurations', () => {
  it.each([
    ['keepalived.conf.vrrp', 4],
    ['keepalived.conf.vrrp.localcheck', 9],
    ['keepalived.conf.vrrp.routes', 1],
    ['keepalived.conf.vrrp.scripts', 3],
    ['keepalived.conf.vrrp.static_ipaddress', 1],
    ['keepalived.conf.vrrp.sync', 9],
    ['keepalived.conf.track_interface', 1],
    ['keepalived.conf.sample', 1],
  ])('%s passes (%d instances)', (name, instances) => {
    expect(check(name)).toEqual({ errors: [], instances });
  });

  it.each(['high', 'low'])('keepalived.conf.conditional_conf passes with config id %s (keepalived -i)', (id) => {
    expect(check('keepalived.conf.conditional_conf', id)).toEqual({ errors: [], instances: 1 });
  });

  it('keepalived.conf.conditional_conf without -i high|low has a vrrp_script without script (keepalived fails the same way)', () => {
    expect(check('keepalived.conf.conditional_conf', 'other').errors).toEqual(['6:1: vrrp_script check_VI_0 has no script; add `script "/path/to/check args"`']);
  });

  it('keepalived.conf.vrrp.lvs_syncd is wrong: its vrrp_sync_group lists instances without a group block', () => {
    expect(check('keepalived.conf.vrrp.lvs_syncd').errors).toEqual(['3:1: vrrp_sync_group VG1 has no group block; add `group { INSTANCE ... }`']);
  });

  it('keepalived.conf.vrrp.rules is wrong: `to 192.168.200./24` is no prefix (keepalived: "Invalid rule to address")', () => {
    expect(check('keepalived.conf.vrrp.rules').errors).toEqual(["26:12: to: '192.168.200./24' is not an IPv4 or IPv6 prefix"]);
  });

  it('keepalived.conf.SSL_GET uses auth_type AH, refused on purpose', () => {
    expect(check('keepalived.conf.SSL_GET').errors).toEqual(['20:19: auth_type AH (IPsec Authentication Header) is not supported; use auth_type PASS or remove the authentication block']);
  });
});
