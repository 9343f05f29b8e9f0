/** The embedded control plane's certificates: CA, server/client certificates, on-disk persistence. */
export * from './certs.js';
export * from './store.js';
export * from './kubeconfig.js';
