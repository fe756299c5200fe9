/**
 * lib/config: keepalived.conf lexer, parser and validation -> typed configuration.
 */
export * from './types';
export {
  tokenize, lexConfig, expandInclude, FileTooLargeError, MAX_FILE_BYTES, MAX_TOTAL_BYTES, MAX_TOKENS, MAX_INCLUDE_DEPTH,
  type Token, type TokenKind, type ConfigIO,
} from './lexer';
export { parseTokens, MAX_DEPTH, type ConfigNode } from './parser';
export { parseConfig, parseConfigText, memoryIO } from './parse';
export { defaultGlobalDefs } from './global';
export { toRouterConfig } from './router-config';
export { checkRunnable } from './check';
export { printable } from './printable';
export { loadConfig, fsConfigIO, readRegularFile } from './load';
