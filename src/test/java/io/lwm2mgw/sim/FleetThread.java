package io.lwm2mgw.sim;

import io.lwm2mgw.sim.SimDevice.Observation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread that owns a share of the fleet's devices: reads their sockets, answers, runs their
 * timers, paces their registrations and sends its share of the notification rate. Everything a device
 * does happens on its thread; other threads hand work over with {@link #execute(Runnable)}.
 */
final class FleetThread extends Thread {

    private record Timer(long due, long seq, Runnable task) { }

    final FleetStats stats;
    private final FleetConfig config;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer out = ByteBuffer.allocateDirect(65536);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<SimDevice> toRegister = new ArrayDeque<>();
    private final List<Observation> sensors = new ArrayList<>();
    private final int window;
    private final long registerIntervalNanos;
    private volatile boolean running = true;
    private long timerSeq;
    private int registering;
    private long nextRegisterAt;
    private double notifyRate;
    private long notifyBase;
    private long notifiedSinceBase;
    private int sensorCursor;

    FleetThread(int index, FleetConfig config, FleetStats stats) throws IOException {
        super("fleet-" + index);
        setDaemon(true);
        this.config = config;
        this.stats = stats;
        this.selector = Selector.open();
        this.window = Math.max(1, config.registerWindow / config.threads);
        this.registerIntervalNanos = config.registerRate <= 0 ? 0
                : (long) (1e9 * config.threads / config.registerRate);
        this.notifyRate = config.notifyRate / config.threads;
    }

    /** Adds a device before the thread starts, or from the thread itself. */
    void attach(SimDevice device) throws IOException {
        if (device.channel != null) {
            device.channel.register(selector, SelectionKey.OP_READ, device);
        }
        toRegister.add(device);
    }

    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    void schedule(long delayNanos, Runnable task) {
        timers.add(new Timer(System.nanoTime() + delayNanos, timerSeq++, task));
    }

    void setNotifyRate(double fleetRate) {
        execute(() -> {
            notifyRate = fleetRate / config.threads;
            notifyBase = System.nanoTime();
            notifiedSinceBase = 0;
        });
    }

    void addSensor(Observation o) {
        sensors.add(o);
    }

    void removeSensor(Observation o) {
        sensors.remove(o);
    }

    void registrationFinished() {
        registering--;
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    /** Encodes and sends one message from {@code device}; a full socket buffer counts as a send failure. */
    void send(SimDevice device, CoapMessage message) {
        out.clear();
        message.encode(out);
        out.flip();
        if (device.link != null) {
            byte[] datagram = new byte[out.remaining()];
            out.get(datagram);
            device.link.send(datagram);
            device.sent(System.nanoTime());
            return;
        }
        try {
            if (device.channel.write(out) == 0) {
                stats.sendFailures.increment();
            }
        } catch (IOException e) {
            stats.sendFailures.increment();
        }
        device.sent(System.nanoTime());
    }

    @Override
    public void run() {
        notifyBase = System.nanoTime();
        try {
            while (running) {
                long now = System.nanoTime();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                while (!timers.isEmpty() && timers.peek().due <= now) {
                    timers.poll().task.run();
                }
                startRegistrations(now);
                sendNotifications(now);
                long waitNanos = timers.isEmpty() ? 1_000_000_000L : timers.peek().due - now;
                if (notifyRate > 0 && !sensors.isEmpty()) {
                    waitNanos = Math.min(waitNanos, 1_000_000L);
                }
                if (!toRegister.isEmpty() && registering < window && registerIntervalNanos > 0) {
                    waitNanos = Math.min(waitNanos, nextRegisterAt - now);
                }
                int ready = waitNanos <= 0 ? selector.selectNow() : selector.select(Math.max(1, waitNanos / 1_000_000));
                if (ready > 0) {
                    for (SelectionKey key : selector.selectedKeys()) {
                        receive((SimDevice) key.attachment());
                    }
                    selector.selectedKeys().clear();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            closeSockets();
        }
    }

    /** A channel registered with a selector keeps its file descriptor until the selector lets go of it. */
    private void closeSockets() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void startRegistrations(long now) {
        while (!toRegister.isEmpty() && registering < window
                && (registerIntervalNanos == 0 || now >= nextRegisterAt)) {
            registering++;
            toRegister.poll().register();
            nextRegisterAt = Math.max(nextRegisterAt, now) + registerIntervalNanos;
        }
    }

    private void sendNotifications(long now) {
        if (notifyRate <= 0 || sensors.isEmpty()) {
            notifyBase = now;
            notifiedSinceBase = 0;
            return;
        }
        long due = (long) ((now - notifyBase) / 1e9 * notifyRate) - notifiedSinceBase;
        for (long i = 0; i < Math.min(due, 5000); i++) {
            if (sensorCursor >= sensors.size()) {
                sensorCursor = 0;
            }
            Observation o = sensors.get(sensorCursor++);
            SimDevice d = o.device;
            d.temperature = config.timestampValues ? (double) FleetStats.epochMicros()
                    : 20 + (notifiedSinceBase % 100) / 10.0;
            SimRequests.notify(o);
            notifiedSinceBase++;
        }
    }

    private void receive(SimDevice device) {
        for (int i = 0; i < 16; i++) {
            in.clear();
            int n;
            try {
                n = device.channel.read(in);
            } catch (IOException e) {
                return; // ICMP port unreachable on a connected socket: the server is not there (yet)
            }
            if (n <= 0) {
                return;
            }
            in.flip();
            handle(device, in);
        }
    }

    /** A datagram a DTLS device's connector decrypted; hands it to this thread. */
    void receiveSecure(SimDevice device, byte[] datagram) {
        execute(() -> handle(device, ByteBuffer.wrap(datagram)));
    }

    private void handle(SimDevice device, ByteBuffer datagram) {
        CoapMessage m;
        try {
            m = CoapMessage.decode(datagram);
        } catch (RuntimeException e) {
            stats.malformed.increment();
            return;
        }
        if (m.isRequest()) {
            if (device.asleep(System.nanoTime())) {
                stats.droppedAsleep.increment();
            } else if (!device.registered()) {
                send(device, new CoapMessage(CoapMessage.RST, 0, m.messageId, new byte[0]));
            } else {
                SimRequests.handle(device, m);
            }
        } else {
            device.onResponse(m);
        }
    }

    /** Hands De-register of each of {@code devices} (this thread's own) to the thread. */
    void deregisterAll(List<SimDevice> devices) {
        execute(() -> devices.forEach(SimDevice::deregister));
    }
}
