// The image component's error catalogue: every pull failure becomes an ImagePullError whose
// reason is what kubelet shows as the container's waiting reason.

/** Waiting reasons kubelet reports for image pulls. */
export type ImagePullReason = 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName';

/** A failed pull; `reason` doubles as the container status reason and the event reason. */
export class ImagePullError extends Error {
  constructor(
    readonly reason: ImagePullReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImagePullError';
  }
}

/** A registry or content problem below the pull level (HTTP status, digest mismatch, bad manifest). */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** A layer entry that would write outside the rootfs, or is otherwise unsafe to unpack. */
export class UnsafeLayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeLayerError';
  }
}
