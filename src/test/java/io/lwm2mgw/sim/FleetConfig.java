package io.lwm2mgw.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a simulated fleet looks like and how it behaves. Mutable with fluent setters (a test tool's
 * configuration); read by the fleet threads only after {@link Fleet#start(FleetConfig)}.
 */
public final class FleetConfig {

    /** Number of devices; each gets its own UDP socket. Default 100. */
    public int devices = 100;
    /** Endpoint names are {@code prefix + index} (zero-padded to 5 digits). Default "sim-". */
    public String prefix = "sim-";
    /** First index of the endpoint names, so two simulators can share one gateway. Default 0. */
    public int firstIndex = 0;
    /** The LwM2M server (the gateway). Default 127.0.0.1:5683. */
    public InetSocketAddress server = new InetSocketAddress("127.0.0.1", 5683);
    /** Local address the device sockets bind to (port 0 each). Default 127.0.0.1. */
    public String bindHost = "127.0.0.1";
    /** Selector threads; devices are spread over them. Default min(4, cores). */
    public int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Registration lifetime, seconds. Default 300. */
    public long lifetime = 300;
    /** Registration update period; zero means half the lifetime. */
    public Duration updateInterval = Duration.ZERO;
    /** "1.0" or "1.1". Default "1.1". */
    public String lwm2mVersion = "1.1";
    /** Queue mode (b=UQ in 1.0, Q in 1.1): requests that arrive while asleep are not answered. */
    public boolean queueMode = false;
    /** How long a queue-mode device listens after it sent something. Default 10 s. */
    public Duration awakeTime = Duration.ofSeconds(10);
    /** Objects announced in the registration, instance 0 each; among 1, 3, 5, 3303, 3311. */
    public Set<Integer> objects = new TreeSet<>(Set.of(1, 3, 5, 3303));
    /** Notifications per second over the whole fleet, spread round-robin over observations of /3303/0/5700. */
    public double notifyRate = 0;
    /** Send notifications as CON (acknowledged) instead of NON. Default NON. */
    public boolean confirmableNotifications = false;
    /** Put the send time (epoch microseconds) in /3303/0/5700 instead of a temperature, to measure latency. */
    public boolean timestampValues = false;
    /** Registrations waiting for their answer at once, over the fleet. Default 256. */
    public int registerWindow = 256;
    /** Registrations started per second over the fleet; zero means as fast as the window allows. */
    public double registerRate = 0;
    /** CoAP ACK_TIMEOUT for the devices' own requests (doubles per retransmission). Default 2 s. */
    public Duration ackTimeout = Duration.ofSeconds(2);
    /** CoAP MAX_RETRANSMIT for the devices' own requests. Default 4. */
    public int maxRetransmit = 4;
    /** Kernel receive buffer per device socket, bytes; zero keeps the system default. */
    public int receiveBuffer = 0;
    /**
     * DTLS with this pre-shared key for every device, PSK identity = endpoint name (point {@link #server} at
     * the CoAPS port); null (the default) is plain CoAP. See {@link SecureLink} for what it costs.
     */
    public byte[] pskKey = null;

    public FleetConfig devices(int n) {
        devices = n;
        return this;
    }

    public FleetConfig psk(byte[] key) {
        this.pskKey = key == null ? null : key.clone();
        return this;
    }

    public FleetConfig lifetime(long seconds) {
        this.lifetime = seconds;
        return this;
    }

    public FleetConfig prefix(String p) {
        prefix = p;
        return this;
    }

    public FleetConfig server(String host, int port) {
        server = new InetSocketAddress(host, port);
        return this;
    }

    public FleetConfig threads(int n) {
        threads = n;
        return this;
    }

    public FleetConfig lwm2mVersion(String v) {
        lwm2mVersion = v;
        return this;
    }

    public FleetConfig queueMode(boolean q) {
        queueMode = q;
        return this;
    }

    public FleetConfig objects(Integer... ids) {
        objects = new TreeSet<>(Set.of(ids));
        return this;
    }

    public FleetConfig notifyRate(double perSecond) {
        notifyRate = perSecond;
        return this;
    }

    public FleetConfig confirmable(boolean con) {
        confirmableNotifications = con;
        return this;
    }

    public FleetConfig timestampValues(boolean on) {
        timestampValues = on;
        return this;
    }

    public FleetConfig registerWindow(int n) {
        registerWindow = n;
        return this;
    }

    public FleetConfig registerRate(double perSecond) {
        registerRate = perSecond;
        return this;
    }

    public String endpoint(int index) {
        return prefix + String.format("%05d", firstIndex + index);
    }

    /** The update period in nanoseconds. */
    long updateNanos() {
        return updateInterval.isZero() ? lifetime * 500_000_000L : updateInterval.toNanos();
    }
}
