/**
 * lib/config: keepalived.conf lexer, parser and validation -> typed configuration.
 */
export * from './types';
export { tokenize, lexConfig, expandInclude, type Token, type TokenKind, type ConfigIO } from './lexer';
export { parseTokens, MAX_DEPTH, type ConfigNode } from './parser';
export { parseConfig, parseConfigText, memoryIO } from './parse';
export { defaultGlobalDefs } from './global';
export { toRouterConfig } from './router-config';
export { loadConfig, fsConfigIO } from './load';
