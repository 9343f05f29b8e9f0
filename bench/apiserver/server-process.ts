/**
 * Runs the API server alone in this process for the benchmark; prints one JSON line with its URL
 * and data dir once ready, and stops on SIGTERM.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer } from '../../src/cluster/apiserver/server.js';
import { defaultModules } from '../../src/cluster/apiserver/wiring.js';

const dataDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'kvts-bench-'));
const server = await startApiServer({ dataDir, port: 0, modules: defaultModules() });
console.log(JSON.stringify({ url: server.url, dataDir, pid: process.pid }));
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
