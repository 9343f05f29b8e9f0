/** The apiVersion/kind/metadata envelope shared by every kubevirt.io top-level kind. */
import { Type, type TProperties } from '@sinclair/typebox';
import { ObjectMetaSchema } from './core.js';
import { opt, str } from './schema.js';

const envelope = {
  apiVersion: opt(str('Versioned schema of this representation of an object.')),
  kind: opt(str('REST resource this object represents.')),
  metadata: opt(ObjectMetaSchema),
};

/** A top-level kind: apiVersion, kind and metadata plus the kind's own fields. */
export const kindSchema = <P extends TProperties>(description: string, props: P) =>
  Type.Object({ ...envelope, ...props }, { description });
