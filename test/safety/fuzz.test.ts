/**
 * Fuzzing the entry points: random argv to the CLI's `main` in-process (it
 * must never end in an internal error, exit 70), and random stdin to
 * `logbook hook <Event>` as child processes (always exit 0; stdout empty or
 * one JSON document; nothing on stderr).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import { hookEventNames } from '../../src/integrations/hooks.js';
import { ok, runAsync } from '../helpers/cli.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

const RUNS = Number(process.env.LOGBOOK_FUZZ_RUNS ?? 400);
const HOOK_RUNS = Number(process.env.LOGBOOK_FUZZ_HOOK_RUNS ?? 40);

/** Commands that talk to the outside world or never end (mcp, serve) are not for an in-process fuzzer. */
const SKIP = new Set(['mcp', 'sync', 'serve']);

function memoryIo(cwd: string, home: string, stdin: string): Io & { out: string; err: string } {
  const io = {
    cwd,
    env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1', LOGBOOK_ACTOR: 'Fuzz <fuzz@example.com>' },
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: async () => stdin,
  };
  return io;
}

/** Every command path (`log`, `subsession start`, …) with the flags it accepts, and whether each takes a value. */
async function grammar(): Promise<Array<{ path: string[]; flags: Array<{ flag: string; value: boolean }> }>> {
  const program = await buildProgram(memoryIo('/', '/', ''));
  const out: Array<{ path: string[]; flags: Array<{ flag: string; value: boolean }> }> = [];
  const visit = (cmd: Command, path: string[]) => {
    const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)).map((flag) => ({ flag, value: o.required || o.optional })));
    out.push({ path, flags: flags.length ? flags : [{ flag: '--json', value: false }] });
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
  };
  for (const cmd of program.commands) if (!SKIP.has(cmd.name())) visit(cmd, [cmd.name()]);
  return out;
}

/** Values nobody should type, but someone will. Never an absolute path or `..` (rebuild --out writes there). */
const hostileValue = fc
  .oneof(
    fc.constantFrom('', '-', '--', ' ', 'x', '0', '-1', '007', '1e309', 'NaN', 's_', 's_zzzz', '20250101_0000_aaaa', 'task:1', 'kb:node:x', ':', 'a:b', 'sub_001'),
    fc.constantFrom('\u0000', '\u202e', '💥', 'true', '{}', '[]', '%s%n', '${HOME}', '\\', '"', "'", '\n', 'ghp_' + 'a'.repeat(36), 'password=hunter22'),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.nat().map(String),
    fc.constant('x'.repeat(70_000)),
  )
  .filter((v) => !v.startsWith('/') && !v.includes('..') && !v.includes('://'));

describe('fuzz: CLI argv, in process', () => {
  let dir: string;
  let home: string;
  beforeAll(() => {
    dir = makeRepo();
    home = tempDir('logbook-fuzz-home-');
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'fuzz target', '--task', '42']);
    ok(dir, ['log', '--progress', 'something', '--blocker', 'a blocker', '--decision', 'a decision']);
  });

  it(`never ends in an internal error (${RUNS} random command lines)`, async () => {
    const commands = await grammar();
    const argvFor = fc.constantFrom(...commands).chain(({ path, flags }) => {
      // Mostly well-formed (a flag with its value, a positional), sometimes not (a flag without value, junk flags, --help).
      const option: fc.Arbitrary<string[]> = fc.constantFrom(...flags).chain(({ flag, value }) => (value ? hostileValue.map((v) => [flag, v]) : fc.constant([flag])));
      const part: fc.Arbitrary<string[]> = fc.oneof(
        { weight: 8, arbitrary: option },
        { weight: 3, arbitrary: hostileValue.map((v) => [v]) },
        { weight: 1, arbitrary: fc.constantFrom<string[]>(['--help'], ['--no-such-flag'], ['-x'], ['--session'], ...flags.map((f) => [f.flag])) },
      );
      return fc.array(part, { maxLength: 5 }).map((parts) => [...path, ...parts.flat()]);
    });
    const argv: fc.Arbitrary<string[]> = fc.oneof({ weight: 9, arbitrary: argvFor }, { weight: 1, arbitrary: fc.array(hostileValue, { maxLength: 5 }) });
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(argv, hostileValue, async (args, stdin) => {
        // `tail --follow` runs until interrupted: not something a fuzzer can wait for.
        fc.pre(!(args[0] === 'tail' && args.some((a) => a === '--follow' || /^-[a-z]*f/.test(a))));
        const io = memoryIo(dir, home, stdin);
        const code = await main(args, io);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (code === 70 || ![0, 1, 2].includes(code) || io.err.includes('internal error')) {
          throw new Error(`logbook ${JSON.stringify(args)} exited ${code}\n${io.err}`);
        }
        if (code !== 0) expect(io.err.length).toBeGreaterThan(0); // a failure always says something
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 60_000 },
    );
    console.log(`fuzz argv: exit codes ${JSON.stringify([...codes].sort())}`);
    // The fuzzer reached both success and each kind of failure.
    expect(codes.get(0)).toBeGreaterThan(0);
    expect(codes.get(1)).toBeGreaterThan(0);
    expect(codes.get(2)).toBeGreaterThan(0);
    git(dir, 'fsck', '--strict');
    expect(ok(dir, ['doctor'])).toContain('Healthy');
  }, 90_000);
});

describe('fuzz: hook stdin, as child processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo();
    ok(dir, ['init']);
  });

  const field = fc.oneof(
    fc.string({ maxLength: 16 }),
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('startup', 'resume', 'clear', 'compact', 'manual', 'auto', 'continue', 'where were we', 'Bash', 'logout'),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
  );
  const hookInput = fc.record(
    {
      session_id: fc.oneof(fc.uuid().map(String), field),
      transcript_path: field,
      hook_event_name: fc.oneof(fc.constantFrom(...hookEventNames), field),
      source: field,
      prompt: field,
      tool_name: field,
      tool_input: field,
      tool_response: field,
      duration_ms: field,
      agent_id: field,
      agent_type: field,
      last_assistant_message: field,
      stop_hook_active: field,
      trigger: field,
      compact_summary: field,
      reason: field,
    },
    { requiredKeys: [] },
  );
  const stdin = fc.oneof(
    { weight: 6, arbitrary: hookInput.map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  );
  const event = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...hookEventNames) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.startsWith('-')) });

  it(`always exits 0, prints nothing or one JSON document, and writes nothing to stderr (${HOOK_RUNS} payloads)`, async () => {
    await fc.assert(
      fc.asyncProperty(event, stdin, async (name, input) => {
        const r = await runAsync(dir, ['hook', name], { input });
        const where = `hook ${name} <<< ${JSON.stringify(input).slice(0, 200)}`;
        expect(r.code, `${where}\n${r.stderr}`).toBe(0);
        expect(r.stderr, where).toBe('');
        if (r.stdout.trim()) expect(() => JSON.parse(r.stdout), `${where}\nstdout: ${r.stdout}`).not.toThrow();
      }),
      { numRuns: HOOK_RUNS, interruptAfterTimeLimit: 40_000 },
    );
    git(dir, 'fsck', '--strict');
  }, 60_000);
});
