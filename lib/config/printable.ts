/**
 * Configuration text made safe to print: every warning and error that quotes the configuration (or a
 * file name) goes through `printable`, so a hostile file cannot drive the terminal of whoever runs -t.
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const SHORT = new Map([['\t', '\\t'], ['\n', '\\n'], ['\r', '\\r']]);

/**
 * `text` safe to print on a terminal: C0 and C1 controls and DEL become `\xNN` (tab, LF, CR `\t`, `\n`,
 * `\r`); bidi controls, line/paragraph separators and lone surrogates `\uNNNN`. Everything else, backslash
 * included, is left as it is. Used by failAt and Warnings.add, so by every configuration message.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const short = SHORT.get(c);
    if (short !== undefined) return short;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

