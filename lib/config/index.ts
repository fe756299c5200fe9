/**
 * lib/config: keepalived.conf lexer, parser and validation -> typed configuration.
 */
export * from './types';
export {
  tokenize, lexConfig, expandInclude, expandBraces, FileTooLargeError, MAX_FILE_BYTES, MAX_TOTAL_BYTES, MAX_TOKENS, MAX_INCLUDE_DEPTH,
  MAX_INCLUDE_MATCHES, type Token, type TokenKind, type ConfigIO, type LexOptions,
} from './lexer';
export { MAX_SUBSTITUTION_DEPTH, MAX_EXPANDED_LINE, MAX_EXPANDED_BYTES } from './preprocess';
export { parseTokens, MAX_DEPTH, type ConfigNode } from './parser';
export { parseConfig, parseConfigText, checkConfig, checkConfigText, memoryIO, ConfigErrors } from './parse';
export { defaultGlobalDefs } from './global';
export { toRouterConfig } from './router-config';
export { checkRunnable, runnableErrors } from './check';
export { checkScriptSecurity, checkScriptFiles, insecurePathReason, scriptsOf, programOf, type StatLike, type StatLookup, type ScriptUse } from './security';
export { editDistance, closest } from './context';
export { printable } from './printable';
export { loadConfig, fsConfigIO, readRegularFile, defaultConfigId } from './load';
