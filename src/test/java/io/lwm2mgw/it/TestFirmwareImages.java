package io.lwm2mgw.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * Firmware images for test devices: "LWFW", a 16-byte version, the SHA-256 of the body, then the body. A
 * device checks magic and digest the way a real bootloader checks a signed package.
 */
public final class TestFirmwareImages {

    private static final byte[] MAGIC = "LWFW".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 4 + 16 + 32;

    private TestFirmwareImages() {
    }

    /** A well-formed image of {@code size} bytes in all announcing {@code version}. */
    public static byte[] valid(String version, int size) {
        byte[] body = new byte[Math.max(1, size - HEADER)];
        new Random(size * 31L + version.hashCode()).nextBytes(body);
        return image(MAGIC, version, sha256(body), body);
    }

    /** The header promises a body the image does not hold: integrity check failure (Update Result 5). */
    public static byte[] corrupt(String version, int size) {
        byte[] image = valid(version, size);
        image[image.length - 1] ^= 0x5A;
        return image;
    }

    /** Not our package format at all: unsupported package type (Update Result 6). */
    public static byte[] foreign(int size) {
        byte[] image = valid("x", size);
        image[0] = 'Z';
        return image;
    }

    /** What a device makes of a package: its version if valid, else the Update Result code explaining why not. */
    static Verdict check(byte[] image) {
        if (image.length < HEADER || !Arrays.equals(Arrays.copyOf(image, 4), MAGIC)) {
            return new Verdict(Optional.empty(), 6);
        }
        byte[] body = Arrays.copyOfRange(image, HEADER, image.length);
        if (!Arrays.equals(Arrays.copyOfRange(image, 20, HEADER), sha256(body))) {
            return new Verdict(Optional.empty(), 5);
        }
        String version = new String(image, 4, 16, StandardCharsets.US_ASCII).trim();
        return new Verdict(Optional.of(version), 0);
    }

    record Verdict(Optional<String> version, int failure) { }

    private static byte[] image(byte[] magic, String version, byte[] digest, byte[] body) {
        byte[] v = Arrays.copyOf(version.getBytes(StandardCharsets.US_ASCII), 16);
        for (int i = version.length(); i < 16; i++) {
            v[i] = ' ';
        }
        return ByteBuffer.allocate(HEADER + body.length).put(magic).put(v).put(digest).put(body).array();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
