// Re-export of the containerDisk OCI layout writer for the test fixtures.
export * from '../../src/guest-image/oci.js';
