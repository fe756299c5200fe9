/** Output helpers for the CLI: lines to stdout/stderr, and a quiet exit when stdout is closed (`| head`). */

/** Where a command writes; tests substitute arrays. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The process's own stdout and stderr, one line per call. */
export function processIo(): CliIo {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  return {
    out: (line) => void process.stdout.write(line + '\n'),
    err: (line) => void process.stderr.write(line + '\n'),
  };
}
