package io.podtrail.normalize;

/**
 * Splits container image references ({@code registry:5000/team/app:1.2@sha256:...}) into repository,
 * tag and digest, the way the Docker reference grammar does: the tag is after the last ':' that
 * comes after the last '/', so a registry port is never taken for a tag.
 */
public final class ContainerImages {

    /** The parts of an image reference; each may be null. */
    public record ImageRef(String repository, String tag, String digest) {
    }

    private ContainerImages() {
    }

    public static ImageRef parse(String ref) {
        if (ref == null || ref.isEmpty()) {
            return new ImageRef(null, null, null);
        }
        String s = stripScheme(ref);
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
            if (digest.isEmpty()) {
                digest = null;
            }
        }
        String tag = null;
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (tag.isEmpty()) {
                tag = null;
            }
        }
        return new ImageRef(s.isEmpty() ? null : s, tag, digest);
    }

    /** The digest part ({@code sha256:...}) of an image id such as {@code docker-pullable://repo@sha256:...}, or the id itself when it is a bare digest. */
    public static String digestOf(String imageId) {
        if (imageId == null || imageId.isEmpty()) {
            return null;
        }
        int at = imageId.lastIndexOf('@');
        if (at >= 0) {
            String d = imageId.substring(at + 1);
            return d.isEmpty() ? null : d;
        }
        String s = stripScheme(imageId);
        return s.startsWith("sha256:") ? s : null;
    }

    /** A container id without its runtime prefix ({@code containerd://}, {@code docker://}, {@code cri-o://}, ...). */
    public static String stripRuntimePrefix(String id) {
        if (id == null) {
            return null;
        }
        return stripScheme(id);
    }

    private static String stripScheme(String s) {
        int i = s.indexOf("://");
        return i >= 0 ? s.substring(i + 3) : s;
    }
}
