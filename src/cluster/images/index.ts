// Image pulls for the node agent: ImageStore (pull + unpack), reference parsing, the
// containerDisk helper, and the error catalogue.
export { ImageStore, type ImageConfig, type PulledImage, type PullOptions, type PullPolicy, type PullStats, type ImageStoreOptions } from './store.js';
export { ImagePullError, RegistryError, UnsafeLayerError, type ImagePullReason } from './errors.js';
export { parseReference, formatReference, InvalidReferenceError, type ImageReference } from './reference.js';
export { extractSingleDisk } from './disk.js';
export type { PullCredential } from './auth.js';
