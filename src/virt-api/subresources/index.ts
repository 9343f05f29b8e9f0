/** virt-api's aggregated API subresources.kubevirt.io/v1: the request and upgrade handlers and their parts. */
export { subresourceHandler, isSubresourcePath, type SubresourceDeps, type Authorizer } from './app.js';
export { subresourceUpgradeHandler, dialTcp, type PodDialer } from './streams.js';
export { dialUdp, type DatagramDialer } from './datagrams.js';
export { HandlerClient, podLocator, HANDLER_CONSOLE_PORT, PLAIN_SUBPROTOCOL, handlerPath, type HandlerLocator, type HandlerTls, type HandlerEndpoint } from './handler-client.js';
export { subjectAccessReviewer } from './sar.js';
export type { RequestHeaderConfig, Caller } from './authn.js';
export { GROUP_VERSION, BASE_PATH } from './routes.js';
export { apiServiceFor } from './apiservice.js';
