/**
 * keepalived.conf parser: tokens -> a generic block tree. A statement is a keyword followed by the
 * tokens on the same line; a `{` after it (on that line or the next) opens its block.
 */
import { failAt, located, type Token } from './lexer';
import type { ConfigError } from '../errors';

/** One statement: `keyword args... [{ children }]`. `token` is the keyword's token (for locations). */
export interface ConfigNode {
  keyword: string;
  token: Token;
  args: Token[];
  children?: ConfigNode[];
}

/** Deepest nesting accepted (keepalived itself needs 3 or 4 levels). */
export const MAX_DEPTH = 16;

/**
 * Builds the block tree of a token stream. With `onError`, a stray brace or an unclosed block is
 * reported there and parsing goes on (a stray `}` is skipped, a `{` without keyword is read and dropped,
 * an unclosed block ends at the end of the input).
 * @throws ConfigError for an unbalanced or misplaced brace (without onError), or nesting deeper than MAX_DEPTH.
 */
export function parseTokens(tokens: Token[], onError?: (e: ConfigError) => void): ConfigNode[] {
  let i = 0;
  const report = (t: Token, message: string): void => {
    if (!onError) failAt(t, message);
    onError(located(t, message));
  };
  const sameLine = (a: Token, b: Token): boolean => a.file === b.file && a.line === b.line;

  function block(opener: Token | null, depth: number): ConfigNode[] {
    if (opener && depth > MAX_DEPTH) failAt(opener, `blocks nested more than ${MAX_DEPTH} deep; check the braces`);
    const nodes: ConfigNode[] = [];
    while (i < tokens.length) {
      const t = tokens[i];
      if (t.kind === 'close') {
        i++;
        if (opener) return nodes;
        report(t, "unexpected '}' with no open block; remove it or add the missing '{'");
        continue;
      }
      if (t.kind === 'open') {
        report(t, "'{' must follow a keyword, e.g. `virtual_ipaddress {`; remove it or add the keyword");
        i++;
        block(t, depth + 1);
        continue;
      }
      i++;
      const node: ConfigNode = { keyword: t.text, token: t, args: [] };
      while (i < tokens.length && (tokens[i].kind === 'word' || tokens[i].kind === 'string') && sameLine(tokens[i], t)) {
        node.args.push(tokens[i++]);
      }
      if (i < tokens.length && tokens[i].kind === 'open') {
        const open = tokens[i++];
        node.children = block(open, depth + 1);
      }
      nodes.push(node);
    }
    if (opener) report(opener, "'{' opened here is never closed; add the matching '}'");
    return nodes;
  }

  return block(null, 0);
}
