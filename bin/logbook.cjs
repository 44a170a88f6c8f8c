#!/usr/bin/env node
'use strict';
// Loads the bundled CLI through a V8 code cache: compiling the bundle is the
// largest fixed cost of a process that agent hooks start on every tool call.
// The cache sits next to the bundle, is written after the first run (temp file
// + rename, so parallel first runs are harmless), and is ignored by V8 when it
// does not match this node binary — then it is simply written again.
const fs = require('node:fs');
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');

function load(file = path.join(dist, 'logbook.cjs')) {
  if (process.env.LOGBOOK_NO_CODE_CACHE) return require(file);
  const vm = require('node:vm');
  const Module = require('node:module');
  const cacheFile = `${file}.${process.version}.v8cache`;
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {}
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, (id) => mod.require(id), mod, file, path.dirname(file));
  return mod.exports;
}

// `logbook hook PostToolUse` (after every tool call of an agent) only appends a
// line to a spool file: its own tiny bundle does that without loading the CLI.
// `logbook log`, `logbook search` and the other hooks have bundles holding only that command
// (scripts/build.mjs); help goes to the whole CLI, which lists every command.
const args = process.argv.slice(2);
const own = { log: 'log.cjs', hook: 'agent-hook.cjs', search: 'search.cjs' }[args[0]];
if (args[0] === 'hook' && (args[1] === 'PostToolUse' || args[1] === 'PostToolUseFailure') && args.length <= 4 && !process.env.LOGBOOK_NO_FAST_HOOK) {
  require(path.join(dist, 'hook.cjs'));
} else if (args[0] === 'sync' && !process.env.LOGBOOK_NO_FAST_SYNC) {
  // A plain `logbook sync` with git runs from a small bundle of its own; it calls `load` for anything else.
  load(path.join(dist, 'sync.cjs')).run(() => load());
} else if (own && !args.some((a) => a === '--help' || a === '-h') && !process.env.LOGBOOK_NO_COMMAND_BUNDLE) load(path.join(dist, own));
else load();
