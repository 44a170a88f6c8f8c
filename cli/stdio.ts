/**
 * The process's stdout and stderr as a command's `Io` writes them. A reader that goes away
 * (`logbook list --json | head -c 1`) is not an error: output stops quietly, as it does for git
 * and coreutils, instead of an unhandled EPIPE with a stack trace. Other stream errors still surface.
 * Each stream is made on its first write: a command that prints nothing (most hooks) does not
 * load the tty or socket machinery behind `process.stdout`.
 */
export function processWriters(): { stdout: (text: string) => void; stderr: (text: string) => void; wrote: () => boolean } {
  const closed = new Set<NodeJS.WriteStream>();
  const opened = new Set<NodeJS.WriteStream>();
  const open = (stream: NodeJS.WriteStream) => {
    if (opened.has(stream)) return;
    opened.add(stream);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed.add(stream);
      stream.destroy();
    });
  };
  let wroteOut = false;
  const writer = (get: () => NodeJS.WriteStream, out: boolean) => (text: string) => {
    const stream = get();
    open(stream);
    if (out) wroteOut = true;
    if (!closed.has(stream)) stream.write(text);
  };
  return { stdout: writer(() => process.stdout, true), stderr: writer(() => process.stderr, false), wrote: () => wroteOut };
}

