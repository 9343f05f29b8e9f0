/**
 * Runs the real virt-launcher entry point; with VL_TEST_CONVERTER=builder the tests' small domain
 * builder stands in for the converter (to tell launcher failures from converter ones).
 */
import { main } from '../../src/virt-launcher/main.js';
import { testConvert } from './domain-xml.js';

const deps = process.env.VL_TEST_CONVERTER === 'builder' ? { convert: testConvert } : {};
main(process.argv.slice(2), deps).then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`virt-launcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
