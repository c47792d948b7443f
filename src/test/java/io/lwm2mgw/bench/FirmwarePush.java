package io.lwm2mgw.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * S4, firmware push: the contract's {@code firmware-update} command (method push) of 1 MiB to one device and
 * to 50 at once; the simulated devices take the Block1 write on /5/0/0 and apply the update on Execute. The
 * image comes from an http URL with its SHA-256 (--s4-image url, the default: the harness serves it, the
 * gateway downloads it once and pushes it to every device) or inline as base64 in every command
 * (--s4-image inline: each command document carries 1.4 MB, which the gateway parses and decodes). Reports MB/s (10^6 bytes) and the gateway's peak heap sampled from its metrics; reports "not
 * available" when the gateway answers {@code invalid} (the op is not served yet).
 */
final class FirmwarePush {

    private FirmwarePush() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int size = ctx.intOption("s4-size", 1 << 20);
        byte[] image = new byte[size];
        new Random(42).nextBytes(image);
        boolean inline = ctx.option("s4-image", "url").equals("inline");
        com.sun.net.httpserver.HttpServer server = inline ? null : serve(image);
        String imageJson = inline
                ? "{\"base64\":\"" + Base64.getEncoder().encodeToString(image) + "\"}"
                : "{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/firmware.bin\",\"sha256\":\""
                        + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(image)) + "\"}";
        bench.detail("S4", "image", inline ? "inline base64" : "http url with sha256");
        Map<String, String> results = new ConcurrentHashMap<>();
        AutoCloseable stopServer = () -> {
            if (server != null) {
                server.stop(0);
            }
        };
        try (stopServer; GatewayProcess gw = ctx.gateway("s4", Map.of());
             Fleet fleet = Fleet.start(new FleetConfig().devices(50).prefix("s4-").threads(2)
                     .server("127.0.0.1", gw.coapPort));
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(),
                     List.of("lwm2m/+/results/firmware-update"), List.of(), (source, topic, key, payload) -> {
                         String status = NorthboundTap.text(payload, "status");
                         String id = NorthboundTap.text(payload, "id");
                         if (id != null && status != null && !status.equals("queued")) {
                             results.put(id, status + ": " + NorthboundTap.text(payload, "error"));
                         }
                     })) {
            fleet.awaitRegistered(Duration.ofSeconds(60));
            for (String n : ctx.option("s4-devices", "1,50").split(",")) {
                int count = Integer.parseInt(n.trim());
                results.clear();
                AtomicBoolean sampling = new AtomicBoolean(true);
                double[] peakHeap = {0};
                Thread sampler = new Thread(() -> {
                    while (sampling.get()) {
                        peakHeap[0] = Math.max(peakHeap[0], gw.heapUsedBytes());
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.start();
                long bytes0 = fleet.stats().firmwareBytes.sum();
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    String ep = fleet.endpoints().get(i);
                    String doc = "{\"id\":\"fw" + count + "-" + i + "\",\"method\":\"push\",\"execute\":true,"
                            + "\"timeout\":900,\"image\":" + imageJson + "}";
                    tap.mqtt().publishWith().topic("lwm2m/" + ep + "/commands/firmware-update")
                            .qos(MqttQos.AT_LEAST_ONCE).payload(doc.getBytes(StandardCharsets.UTF_8)).send();
                }
                BenchMain.waitFor(() -> results.size() == count
                        || results.values().stream().anyMatch(s -> s.startsWith("invalid")), 900_000);
                double seconds = (System.nanoTime() - t0) / 1e9;
                sampling.set(false);
                sampler.join();
                if (results.values().stream().anyMatch(s -> s.startsWith("invalid"))) {
                    String why = results.values().stream().filter(s -> s.startsWith("invalid")).findFirst().get();
                    bench.figure("S4", "firmware push to " + count + " (not available: " + why + ")", Double.NaN,
                            "MB/s", count == 50 ? ">= 8 MB/s" : null, null);
                    bench.detail("S4", "notAvailable", why);
                    return;
                }
                long succeeded = results.values().stream().filter(s -> s.startsWith("success")).count();
                long delivered = fleet.stats().firmwareBytes.sum() - bytes0;
                double mbps = (double) size * succeeded / seconds / 1e6;
                bench.figure("S4", "firmware push 1 MiB to " + count + " device(s)", mbps, "MB/s",
                        count == 50 ? ">= 8 MB/s" : null, count == 50 ? mbps >= 8 : null);
                bench.figure("S4", "peak heap during push to " + count, peakHeap[0] / 1024 / 1024, "MiB", null, null);
                bench.detail("S4", "devices" + count, Map.of("succeeded", succeeded, "results", results.size(),
                        "seconds", seconds, "bytesReceivedByDevices", delivered, "imageBytes", size));
            }
        }
    }

    /** Serves {@code image} over http on loopback at /firmware.bin until stopped. */
    private static com.sun.net.httpserver.HttpServer serve(byte[] image) throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/firmware.bin", exchange -> {
            exchange.sendResponseHeaders(200, image.length);
            try (var body = exchange.getResponseBody()) {
                body.write(image);
            }
        });
        server.setExecutor(null);
        server.start();
        return server;
    }
}
