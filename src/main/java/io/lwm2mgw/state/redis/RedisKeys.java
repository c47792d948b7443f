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

    /** A device's commands handed over between replicas, by id (the stored command and its taker). */
    String handover(String endpoint) {
        return prefix + ":handover:" + endpoint;
    }

    /** Their ids in arrival order. */
    String handoverOrder(String endpoint) {
        return prefix + ":handover-order:" + endpoint;
    }

    /** Which replicas wait for each of them (id to the takers' ids, space-separated). */
    String handoverTakers(String endpoint) {
        return prefix + ":handover-takers:" + endpoint;
    }

    /** The devices with commands handed over. */
    String handoverDevices() {
        return prefix + ":handover-devices";
    }

    /** A replica's inbox: devices to look at, commands ended. */
    String inbox(String replica) {
        return prefix + ":inbox:" + replica;
    }

    /** A replica's heartbeat. */
    String replica(String replica) {
        return prefix + ":replica:" + replica;
    }

    /** Which replica runs a campaign, until when. */
    String campaignLease(String campaignId) {
        return prefix + ":campaign-lease:" + campaignId;
    }
}
