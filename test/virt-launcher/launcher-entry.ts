/** Runs the real virt-launcher entry point with the tests' domain builder standing in for the converter. */
import { main } from '../../src/cmd/virt-launcher.js';
import { testConvert } from './domain-xml.js';

main(process.argv.slice(2), { convert: testConvert }).then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`virt-launcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
