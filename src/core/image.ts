// Parts of an image reference (`[registry/]path[:tag][@sha256:digest]`), for labels and the
// digest requirement; whether a reference is valid at all is `imageProblem` in validate.ts.

const DIGEST = /@sha256:[a-f0-9]{64}$/;
// A label value: up to 63 characters, alphanumeric at both ends.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The tag of an image reference, if it has one. */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0];
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  return colon >= 0 ? name.slice(colon + 1) : undefined;
}

/** Whether the reference pins a digest. */
export function hasDigest(image: string): boolean {
  return DIGEST.test(image);
}

/** The tag as a label value, when it is a valid one (a tag may be 128 characters or start with `_`). */
export function versionFromImage(image: string): string | undefined {
  const tag = imageTag(image);
  return tag !== undefined && tag.length <= 63 && LABEL_VALUE.test(tag) ? tag : undefined;
}

/** The problem with a tag-only image when digests are required. */
export function digestProblem(image: string, source: string): string | undefined {
  if (hasDigest(image)) return undefined;
  return `image "${image}" is referenced by tag only, but ${source} requires a digest: the tag can be moved to other content. Fix: pin the digest, e.g. "${image}@sha256:<digest>" (\`docker buildx imagetools inspect ${image}\` prints it), or set requireDigest: false on this app.`;
}
