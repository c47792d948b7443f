package io.lwm2mgw.firmware;

import java.util.Map;

/**
 * The state seam of the firmware image index: when each cached image was last used, so that the cache evicts
 * the least recently used ones after a restart too. The images themselves stay files in
 * {@code gateway.firmware.image-directory}, which is the truth on what is cached: an entry without its file is
 * dropped, a file without an entry counts as used when it was written. Implemented by the state backends;
 * calls must return at once (a recorded use may become durable later).
 */
public interface FirmwareImageIndex {

    /** Last use (epoch milliseconds) by image digest, as recorded. */
    Map<String, Long> lastUses();

    /** Records that the image was used (stored, resolved or found) at {@code epochMillis}. */
    void used(String sha256, long epochMillis);

    /** Forgets an image that left the cache. */
    void removed(String sha256);

    /** Records nothing: the index comes from the folder alone, uses counted from each file's time (tests). */
    FirmwareImageIndex NONE = new FirmwareImageIndex() {
        @Override
        public Map<String, Long> lastUses() {
            return Map.of();
        }

        @Override
        public void used(String sha256, long epochMillis) {
        }

        @Override
        public void removed(String sha256) {
        }
    };
}
