package io.lwm2mgw.domain.firmware;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image in the gateway's local cache, keyed by its digest; the file is never changed once stored.
 *
 * @param sha256 64 lower-case hex digits
 * @param file   where the bytes are
 * @param size   in bytes
 */
public record FirmwareImage(String sha256, Path file, long size) {
    public FirmwareImage {
        Objects.requireNonNull(sha256);
        Objects.requireNonNull(file);
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive");
        }
    }
}
