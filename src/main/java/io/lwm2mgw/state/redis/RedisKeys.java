package io.lwm2mgw.state.redis;

/** Every key the redis backend writes, under {@code gateway.state.redis.key-prefix}. */
record RedisKeys(String prefix) {

    String registration(String id) {
        return prefix + ":reg:" + id;
    }

    String registrations(String owner) {
        return prefix + ":regs:" + owner;
    }

    String endpoint(String endpoint) {
        return prefix + ":endpoint:" + endpoint;
    }

    /** The registration id holding the observation with this token (hex). */
    String token(String token) {
        return prefix + ":token:" + token;
    }

    String queue(String endpoint) {
        return prefix + ":queue:" + endpoint;
    }

    String commands(String endpoint) {
        return prefix + ":commands:" + endpoint;
    }

    String queuedDevices() {
        return prefix + ":queued-devices";
    }

    String ledger(String part) {
        return prefix + ":ledger:" + part;
    }

    String campaigns() {
        return prefix + ":campaigns";
    }

    String images(String owner) {
        return prefix + ":images:" + owner;
    }

    String credentials() {
        return prefix + ":credentials";
    }
}
