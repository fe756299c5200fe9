/**
 * One error tree for the whole package, with stable string codes that callers and tests can match on.
 * Messages are for people; codes are the contract.
 */

/** Codes of structural decode failures (thrown by decoders in lib/packet and lib/pcap). */
export type DecodeErrorCode =
  | 'TRUNCATED' // fewer bytes than the header, its Count or its length field says
  | 'UNKNOWN_VERSION' // VRRP version other than 2 or 3 (RFC 9568 §7.1)
  | 'UNKNOWN_TYPE' // VRRP type other than 1 (RFC 9568 §5.2.2)
  | 'V2_OVER_IPV6' // VRRPv2 is defined for IPv4 only (RFC 3768 §1)
  | 'AUTH_AH_UNSUPPORTED' // v2 auth type 2 (IP Authentication Header, RFC 2338) is refused
  | 'UNKNOWN_AUTH_TYPE' // v2 auth type other than 0, 1, 2
  | 'BAD_IP_HEADER' // IPv4/IPv6 header malformed (version nibble, IHL, length fields)
  | 'NOT_VRRP' // the IP packet does not carry protocol 112
  | 'UNSUPPORTED_LINK_TYPE' // capture link type we cannot decapsulate
  | 'BAD_CAPTURE'; // pcap/pcapng structure malformed

/** Codes of encode failures: the message cannot be put on the wire as given. */
export type EncodeErrorCode =
  | 'INVALID_FIELD' // a field is out of its wire range
  | 'BUFFER_TOO_SMALL' // the caller's buffer cannot hold the message at that offset
  | 'CHECKSUM_CONTEXT_REQUIRED'; // v3 checksum needs the IP source and destination

export type VrrpErrorCode = DecodeErrorCode | EncodeErrorCode | 'CONFIG' | 'USAGE' | 'IO';

/** Base of every error this package throws on purpose. */
export class VrrpError extends Error {
  readonly code: VrrpErrorCode;
  constructor(code: VrrpErrorCode, message: string) {
    super(message);
    this.name = 'VrrpError';
    this.code = code;
  }
}

/** Bytes that cannot be decoded. `offset` is the byte position (from the buffer start) where it failed. */
export class DecodeError extends VrrpError {
  override readonly code: DecodeErrorCode;
  readonly offset: number;
  constructor(code: DecodeErrorCode, offset: number, message: string) {
    super(code, `${message} (at byte ${offset})`);
    this.name = 'DecodeError';
    this.code = code;
    this.offset = offset;
  }
}

/**
 * The non-throwing twin of DecodeError, returned by the `tryDecode*` functions of lib/packet on the receive
 * path: a junk packet then costs no exception and no captured stack. Carries exactly what the throwing
 * decoder's DecodeError would (`code`, `offset`, and the message before its " (at byte N)" suffix).
 */
export class DecodeFailure {
  constructor(
    readonly code: DecodeErrorCode,
    readonly offset: number,
    readonly reason: string,
  ) {}
  /** The DecodeError the throwing decoder raises for this failure. */
  toError(): DecodeError {
    return new DecodeError(this.code, this.offset, this.reason);
  }
}

/** A message that cannot be encoded; `field` names the offending field when there is one. */
export class EncodeError extends VrrpError {
  override readonly code: EncodeErrorCode;
  readonly field: string | undefined;
  constructor(code: EncodeErrorCode, message: string, field?: string) {
    super(code, message);
    this.name = 'EncodeError';
    this.code = code;
    this.field = field;
  }
}

/** A user error in a configuration file, located at file:line:col (1-based). */
export class ConfigError extends VrrpError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  constructor(file: string, line: number, col: number, message: string) {
    super('CONFIG', `${file}:${line}:${col}: ${message}`);
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
    this.col = col;
  }
}

/** A user error on the command line or with a file named on it (missing, unreadable). */
export class UsageError extends VrrpError {
  constructor(message: string, code: 'USAGE' | 'IO' = 'USAGE') {
    super(code, message);
    this.name = 'UsageError';
  }
}
