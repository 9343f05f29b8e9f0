// The test guest is the product's guest image (src/guest-image/build.ts); re-exported here so
// end-to-end suites keep importing it from test/guest.
export * from '../../src/guest-image/build.js';
