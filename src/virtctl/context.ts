/**
 * The real CommandContext for the virtctl binary: process streams and environment, the
 * kubeconfig-backed connection, child processes with inherited stdio, PATH lookup, SIGINT.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { CommandContext, SpawnedProcess, Terminal } from './api.js';
import { programNameFor } from './cli.js';
import { connect } from './connection.js';

/** Finds an executable on PATH. */
export function whichOnPath(file: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, file);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function spawnProcess(file: string, args: readonly string[], opts?: { quiet?: boolean }): SpawnedProcess {
  const child = spawn(file, [...args], { stdio: opts?.quiet ? 'ignore' : 'inherit' });
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
  return { exited, kill: () => void child.kill() };
}

/** The context the binary runs with; SIGINT aborts `interrupted`, a second SIGINT exits 130. */
export function processContext(term: Terminal = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): CommandContext {
  const ac = new AbortController();
  // a closed pipe (`virtctl ... | head`) ends the command quietly, as for any Unix tool
  for (const s of [process.stdout, process.stderr]) s.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));
  process.once('SIGINT', () => {
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return {
    term,
    env: process.env,
    connect,
    spawn: spawnProcess,
    which: (file) => whichOnPath(file, process.env.PATH),
    selfCommand: [process.execPath, ...process.execArgv, process.argv[1] ?? 'virtctl'],
    programName: programNameFor(process.argv[1]),
    interrupted: ac.signal,
    readFile: (p) => readFile(p),
    writeFile: (p, data) => writeFile(p, data, { mode: 0o644 }),
  };
}
