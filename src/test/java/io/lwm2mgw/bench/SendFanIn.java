package io.lwm2mgw.bench;

import io.lwm2mgw.it.TestDevice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S9, Send fan-in: Leshan 1.1 clients (real UDP sockets) each send, back to back, LwM2M 1.1 Sends (SenML CBOR)
 * of {@code s9-records} timestamped readings of /3303/0/5700; the MQTT (QoS 1) and Kafka consumers count
 * the readings that reach them ({@code "source":"send"}). Figures: Sends and readings per second the devices
 * had answered, readings per second reaching each broker while sending, and the delivered ratio after the
 * backlog drained. Each device has one Send in flight, as CoAP's NSTART = 1 wants.
 */
final class SendFanIn {

    private SendFanIn() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s9-devices", 20);
        int records = ctx.intOption("s9-records", 10);
        int seconds = ctx.intOption("s9-seconds", 10);
        AtomicLong mqtt = new AtomicLong();
        AtomicLong kafka = new AtomicLong();
        AtomicBoolean counting = new AtomicBoolean();
        byte[] marker = "\"source\":\"send\"".getBytes(StandardCharsets.UTF_8);
        List<TestDevice> fleet = new ArrayList<>();
        try (GatewayProcess gw = ctx.gateway("s9", Map.of());
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(), List.of("lwm2m/+/data/#"),
                     List.of("lwm2m.telemetry"), (source, topic, key, payload) -> {
                         if (counting.get() && contains(payload, marker)) {
                             (source.equals("mqtt") ? mqtt : kafka).incrementAndGet();
                         }
                     })) {
            for (int i = 0; i < devices; i++) {
                fleet.add(TestDevice.givenDevice("s9-" + i).withTemperature().registeredAt(gw.coapPort));
            }
            // warm-up: a fresh JVM compiles the Send path first; unmeasured
            sendFor(fleet, records, 3, new AtomicLong());
            BenchMain.waitFor(() -> false, 2000);
            counting.set(true);
            AtomicLong sends = new AtomicLong();
            long t0 = System.nanoTime();
            sendFor(fleet, records, seconds, sends);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long mqttWhileSending = mqtt.get();
            long kafkaWhileSending = kafka.get();
            long readings = sends.get() * records;
            BenchMain.waitFor(() -> mqtt.get() >= readings && kafka.get() >= readings, 120_000);
            bench.figure("S9", "Sends answered 2.04 (" + devices + " devices)", sends.get() / elapsed, "Send/s",
                    null, null);
            bench.figure("S9", "readings sent (" + records + " per Send)", readings / elapsed, "records/s", null,
                    null);
            bench.figure("S9", "readings reaching MQTT QoS 1 per second while sending", mqttWhileSending / elapsed,
                    "records/s", null, null);
            bench.figure("S9", "readings reaching Kafka per second while sending", kafkaWhileSending / elapsed,
                    "records/s", null, null);
            bench.figure("S9", "readings delivered to MQTT", 100.0 * mqtt.get() / readings, "%", "100 %",
                    mqtt.get() >= readings);
            bench.figure("S9", "readings delivered to Kafka", 100.0 * kafka.get() / readings, "%", "100 %",
                    kafka.get() >= readings);
            bench.detail("S9", "run", Map.of("devices", devices, "recordsPerSend", records, "seconds", elapsed,
                    "sends", sends.get(), "mqtt", mqtt.get(), "kafka", kafka.get()));
        } finally {
            fleet.forEach(TestDevice::close);
        }
    }

    /** Every device sends Sends of {@code records} readings, one after the other, for {@code seconds}. */
    private static void sendFor(List<TestDevice> fleet, int records, int seconds, AtomicLong sends)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (TestDevice device : fleet) {
            Thread t = new Thread(() -> {
                double value = 20;
                while (System.nanoTime() < end) {
                    for (int r = 0; r < records; r++) {
                        device.setTemperature(value += 0.01);
                        device.collect("/3303/0/5700");
                    }
                    if (!device.sendCollected().equals("CHANGED")) {
                        return; // not counted as sent; the figures show the shortfall
                    }
                    sends.incrementAndGet();
                }
            }, "s9-" + device.endpoint());
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(seconds + 30).toMillis());
        }
    }

    private static boolean contains(byte[] payload, byte[] marker) {
        outer:
        for (int i = 0; i <= payload.length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (payload[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
