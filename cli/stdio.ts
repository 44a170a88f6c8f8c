/**
 * The process's stdout and stderr as a command's `Io` writes them. A reader that goes away
 * (`logbook list --json | head -c 1`) is not an error: output stops quietly, as it does for git
 * and coreutils, instead of an unhandled EPIPE with a stack trace. Other stream errors still surface.
 */
export function processWriters(): { stdout: (text: string) => void; stderr: (text: string) => void } {
  const closed = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed.add(stream);
      stream.destroy();
    });
  }
  const writer = (stream: NodeJS.WriteStream) => (text: string) => {
    if (!closed.has(stream)) stream.write(text);
  };
  return { stdout: writer(process.stdout), stderr: writer(process.stderr) };
}
