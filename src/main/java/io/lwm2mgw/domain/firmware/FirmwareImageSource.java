package io.lwm2mgw.domain.firmware;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where a firmware image comes from: a URL the gateway downloads once, or bytes carried in the command. */
public sealed interface FirmwareImageSource {

    /** The digest the image must have, as 64 lower-case hex digits, when the requester named one. */
    Optional<String> expectedSha256();

    /** An image at an http or https URL, optionally pinned by its SHA-256 digest. */
    record FromUrl(URI url, Optional<String> expectedSha256) implements FirmwareImageSource {
        public FromUrl {
            Objects.requireNonNull(url);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("image url must be http or https, not " + url);
            }
            expectedSha256 = expectedSha256.map(FirmwareImageSource::checkedDigest);
        }
    }

    /** A small image carried inline (base64 in the command document). */
    record Inline(byte[] bytes) implements FirmwareImageSource {
        public Inline {
            if (bytes.length == 0) {
                throw new IllegalArgumentException("inline image is empty");
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public Optional<String> expectedSha256() {
            return Optional.empty();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inline other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Inline[" + bytes.length + " bytes]";
        }
    }

    private static String checkedDigest(String hex) {
        String lower = hex.toLowerCase(Locale.ROOT);
        if (!DIGEST.matcher(lower).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits");
        }
        return lower;
    }

    Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
}
