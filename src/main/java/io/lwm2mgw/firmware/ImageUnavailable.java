package io.lwm2mgw.firmware;

/** An image could not be obtained (download failed, digest mismatch, too large); the message is for operators. */
public class ImageUnavailable extends RuntimeException {
    public ImageUnavailable(String message) {
        super(message, null, false, false);
    }
}
