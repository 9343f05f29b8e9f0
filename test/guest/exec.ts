// Re-export of the guest image builder's process runner for the test helpers.
export * from '../../src/guest-image/exec.js';
