/**
 * The pluggable modules the server core calls through contracts.ts. Each is optional so the core
 * runs (with reduced features) before every module exists; wiring.ts fills in what is available.
 */
import type { KubeObject } from '../../api/meta/index.js';
import type { CrdModule, PatchModule, RbacModule, SelectorsModule, UserInfo } from './contracts.js';
import type { ServedResource } from './registry/registry.js';

/** Authenticates bearer tokens (service-account JWTs); undefined when the token is not recognised. */
export interface TokenAuthenticator {
  authenticateToken(token: string): Promise<UserInfo | undefined>;
}

/** Admission: mutating then validating webhooks; returns the (possibly patched) object or throws StatusError. */
export interface AdmissionChain {
  admit(req: AdmissionRequestInfo): Promise<KubeObject | undefined>;
}

/** What admission needs to know about one write. */
export interface AdmissionRequestInfo {
  readonly resource: ServedResource;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly subresource?: string;
  readonly namespace: string;
  readonly name: string;
  readonly object?: KubeObject;
  readonly oldObject?: KubeObject;
  readonly user: UserInfo;
  readonly dryRun: boolean;
  /** Which phase: mutating webhooks may change `object`; validating ones only allow or deny. */
  readonly phase: 'mutating' | 'validating';
}

/** Source of the Swagger 2.0 document and its protobuf form. */
export interface OpenApiV2Source {
  document(): Record<string, unknown>;
  /** The media type clients put in Accept for the protobuf form. */
  readonly protobufAccept: string;
  /** The Content-Type of the protobuf answer. */
  readonly protobufContentType: string;
  toProtobuf(doc: Record<string, unknown>): Buffer;
}

/** Everything optional the core can call. */
export interface ApiModules {
  readonly selectors?: SelectorsModule;
  readonly patches?: PatchModule;
  readonly crds?: CrdModule;
  readonly rbac?: RbacModule;
  /** Built-in resources with their hooks. */
  readonly builtins?: readonly ServedResource[];
  /** Per group-version OpenAPI v3 documents of built-ins, keyed "v1", "apps/v1", ... */
  readonly builtinOpenAPI?: () => Record<string, unknown>;
  /** The built-ins' /openapi/v2 document, and its protobuf encoding (client-go asks only for protobuf). */
  readonly openapiV2?: OpenApiV2Source;
  readonly tokens?: TokenAuthenticator;
  readonly admission?: AdmissionChain;
}
