/** Protocol numbers and well-known values of VRRP (RFC 9568 §5, RFC 3768 §5). */

/** IP protocol number of VRRP (IANA). */
export const IPPROTO_VRRP = 112;
/** IPv4 multicast group for VRRP adverts (RFC 9568 §5.1.1.2). */
export const VRRP_GROUP_V4 = '224.0.0.18';
/** IPv6 multicast group for VRRP adverts (RFC 9568 §5.1.2.2). */
export const VRRP_GROUP_V6 = 'ff02::12';
/** Required TTL / hop limit on send and receive (RFC 9568 §5.1.1.3, §7.1). */
export const VRRP_TTL = 255;
/** The only defined VRRP packet type: ADVERTISEMENT (RFC 9568 §5.2.2). */
export const VRRP_TYPE_ADVERTISEMENT = 1;
/** Fixed header length in bytes before the address list, v2 and v3 alike. */
export const VRRP_HEADER_LENGTH = 8;
/** Length of the v2 authentication data trailer (RFC 3768 §5.3.10). */
export const VRRP_V2_AUTH_LENGTH = 8;
/** Priority of the address owner (RFC 9568 §5.2.4). */
export const PRIORITY_OWNER = 255;
/** Priority sent by a Master that stops (RFC 9568 §5.2.4). */
export const PRIORITY_STOP = 0;
/** Largest v3 Max Adver Int, in centiseconds (12 bits). */
export const V3_MAX_INTERVAL_CS = 4095;

/** v2 authentication types (RFC 3768 §5.3.6; type 2 is RFC 2338's IP AH, which we refuse). */
export const AUTH_NONE = 0;
export const AUTH_SIMPLE_TEXT = 1;
export const AUTH_IP_AH = 2;

/** Address family as the IP version number. */
export type Family = 4 | 6;

/** Bytes per address of a family. */
export function addressLength(family: Family): 4 | 16 {
  return family === 4 ? 4 : 16;
}
