package io.lwm2mgw.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fleet of simulated LwM2M devices in one process: one non-blocking UDP socket per device, spread over a
 * few selector threads (or, with a PSK, one DTLS connector per device: {@link SecureLink}). {@link #start(FleetConfig)} opens the sockets and lets every device register
 * (paced by the registration window and rate); then the devices answer the server and notify at the
 * configured rate until {@link #close()}.
 */
public final class Fleet implements AutoCloseable {

    private final FleetConfig config;
    private final FleetStats stats = new FleetStats();
    private final List<FleetThread> threads = new ArrayList<>();
    private final List<List<SimDevice>> devicesByThread = new ArrayList<>();
    private final List<String> endpoints = new ArrayList<>();

    private Fleet(FleetConfig config) {
        this.config = config;
    }

    /** Opens every device's socket, starts the threads and the registrations. */
    public static Fleet start(FleetConfig config) {
        Fleet fleet = new Fleet(config);
        try {
            for (int t = 0; t < config.threads; t++) {
                fleet.threads.add(new FleetThread(t, config, fleet.stats));
                fleet.devicesByThread.add(new ArrayList<>());
            }
            for (int i = 0; i < config.devices; i++) {
                FleetThread thread = fleet.threads.get(i % config.threads);
                SimDevice device;
                if (config.pskKey != null) {
                    device = new SimDevice(thread, config, config.endpoint(i), null);
                    SimDevice d = device;
                    device.link = SecureLink.open(config, device.endpoint, datagram -> thread.receiveSecure(d, datagram));
                } else {
                    device = new SimDevice(thread, config, config.endpoint(i), plainSocket(config));
                }
                thread.attach(device);
                fleet.devicesByThread.get(i % config.threads).add(device);
                fleet.endpoints.add(device.endpoint);
            }
        } catch (IOException e) {
            fleet.close();
            throw new UncheckedIOException("could not open the fleet's sockets (ulimit -n?)", e);
        }
        fleet.threads.forEach(Thread::start);
        return fleet;
    }

    private static DatagramChannel plainSocket(FleetConfig config) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        if (config.receiveBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBuffer);
        }
        channel.bind(new InetSocketAddress(config.bindHost, 0));
        channel.connect(config.server);
        channel.configureBlocking(false);
        return channel;
    }

    public FleetStats stats() {
        return stats;
    }

    public FleetConfig config() {
        return config;
    }

    /** Endpoint names in index order. */
    public List<String> endpoints() {
        return List.copyOf(endpoints);
    }

    /** Changes the fleet-wide notification rate (notifications per second) from now on. */
    public void setNotifyRate(double perSecond) {
        threads.forEach(t -> t.setNotifyRate(perSecond));
    }

    /** Queue-mode devices asleep right now (not listening); always 0 without queue mode. */
    public int asleep() {
        long now = System.nanoTime();
        int n = 0;
        for (List<SimDevice> devices : devicesByThread) {
            for (SimDevice d : devices) {
                n += d.asleep(now) ? 1 : 0;
            }
        }
        return n;
    }

    /** Waits until every device is registered or {@code timeout} passed; true when all are. */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stats.registered.sum() < config.devices) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10); // a polling wait in a tool, not a test
        }
        return true;
    }

    /** Sends De-register from every registered device and waits up to {@code timeout} for the answers. */
    public boolean deregisterAll(Duration timeout) throws InterruptedException {
        for (int t = 0; t < threads.size(); t++) {
            threads.get(t).deregisterAll(devicesByThread.get(t));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stats.registered.sum() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        threads.forEach(FleetThread::shutdown);
        for (FleetThread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the threads closed their sockets; these are the ones of a fleet whose threads never ran
        for (List<SimDevice> devices : devicesByThread) {
            for (SimDevice d : devices) {
                if (d.link != null) {
                    d.link.close();
                    continue;
                }
                try {
                    d.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
