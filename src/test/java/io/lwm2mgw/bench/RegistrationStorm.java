package io.lwm2mgw.bench;

import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import io.lwm2mgw.sim.FleetStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S1, registration storm: N devices (10k) register at once (a window of registrations in flight) with the
 * gateway bridging to MQTT and Kafka, then the same storm against bare Leshan in the same run. Each server
 * first serves a warm-up fleet (--s1-warmup, 3000 devices: register, then de-register) so the storm meets
 * compiled code, as it does when a power cut or network outage makes a running gateway's devices register
 * again (a restarted gateway keeps its registrations, so its devices do not storm); --s1-warmup 0 measures
 * a JVM that just started.
 */
final class RegistrationStorm {

    private RegistrationStorm() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s1-devices", 10_000);
        int window = ctx.intOption("s1-window", 256);
        int warmup = ctx.intOption("s1-warmup", 3000);
        bench.detail("S1", "warmupDevices", warmup);
        Set<String> onMqtt = ConcurrentHashMap.newKeySet();
        Set<String> onKafka = ConcurrentHashMap.newKeySet();
        AtomicLong lastBridged = new AtomicLong();
        String prefix = "s1-";
        double gatewayRate;
        double gatewayCpuPerRegistration;
        try (GatewayProcess gw = ctx.gateway("s1", Map.of());
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(), List.of("lwm2m/+/status"),
                     List.of("lwm2m.status"), (source, topic, key, payload) -> {
                         String ep = key != null ? key : NorthboundTap.endpointOfTopic(topic);
                         if (ep.startsWith(prefix) && "registered".equals(NorthboundTap.text(payload, "state"))) {
                             boolean added = (source.equals("mqtt") ? onMqtt : onKafka).add(ep);
                             if (added) {
                                 lastBridged.accumulateAndGet(System.nanoTime(), Math::max);
                             }
                         }
                     })) {
            warmUp(warmup, window, gw.coapPort, "w1-");
            FleetConfig config = new FleetConfig().devices(devices).prefix(prefix).threads(2).registerWindow(window)
                    .server("127.0.0.1", gw.coapPort);
            double gwCpu0 = BenchMain.cpuSeconds(gw.process.pid());
            double brokersCpu0 = BenchMain.brokersCpuSeconds(ctx);
            double selfCpu0 = BenchMain.cpuSeconds(ProcessHandle.current().pid());
            try (Fleet fleet = Fleet.start(config)) {
                boolean all = fleet.awaitRegistered(Duration.ofSeconds(ctx.intOption("s1-timeout", 180)));
                boolean bridged = BenchMain.waitFor(() -> onMqtt.size() == devices && onKafka.size() == devices, 120_000);
                double gwCpu = BenchMain.cpuSeconds(gw.process.pid()) - gwCpu0;
                double brokersCpu = BenchMain.brokersCpuSeconds(ctx) - brokersCpu0;
                double selfCpu = BenchMain.cpuSeconds(ProcessHandle.current().pid()) - selfCpu0;
                FleetStats stats = fleet.stats();
                double seconds = (stats.lastRegistered.get() - stats.firstRegisterSent.get()) / 1e9;
                gatewayRate = stats.registrationLatencies().length / seconds;
                long[] lat = stats.registrationLatencies();
                bench.figure("S1", "registrations/s, gateway bridging to MQTT+Kafka (" + devices + ")", gatewayRate,
                        "reg/s", ">= 5000", gatewayRate >= 5000);
                bench.figure("S1", "registration p50 to 2.01", BenchMain.percentileMs(lat, 0.5), "ms", null, null);
                bench.figure("S1", "registration p99 to 2.01", BenchMain.percentileMs(lat, 0.99), "ms", null, null);
                double toBrokers = (lastBridged.get() - stats.firstRegisterSent.get()) / 1e9;
                bench.figure("S1", "first Register to all on MQTT and Kafka", bridged ? toBrokers : Double.NaN, "s",
                        null, null);
                gatewayCpuPerRegistration = gwCpu * 1000 / devices;
                bench.figure("S1", "gateway CPU per registration (incl. bridging)", gatewayCpuPerRegistration, "ms",
                        null, null);
                bench.detail("S1", "cpuSecondsGateway", gwCpu);
                bench.detail("S1", "cpuSecondsBrokers", brokersCpu);
                bench.detail("S1", "cpuSecondsSimulatorAndConsumers", selfCpu);
                bench.detail("S1", "devices", devices);
                bench.detail("S1", "window", window);
                bench.detail("S1", "allRegistered", all);
                bench.detail("S1", "registered", stats.registered.sum());
                bench.detail("S1", "failed", stats.registrationsFailed.sum());
                bench.detail("S1", "retransmissions", stats.retransmissions.sum());
                bench.detail("S1", "statusOnMqtt", onMqtt.size());
                bench.detail("S1", "statusOnKafka", onKafka.size());
                bench.detail("S1", "gatewayRssKbAfter", gw.rssKb());
            }
        }
        try (GatewayProcess leshan = GatewayProcess.bareLeshan(ctx.logDir())) {
            leshan.awaitReady(Duration.ofSeconds(30), ctx.logDir());
            warmUp(warmup, window, leshan.coapPort, "w1b-");
            FleetConfig config = new FleetConfig().devices(devices).prefix("s1b-").threads(2).registerWindow(window)
                    .server("127.0.0.1", leshan.coapPort);
            double leshanCpu0 = BenchMain.cpuSeconds(leshan.process.pid());
            try (Fleet fleet = Fleet.start(config)) {
                fleet.awaitRegistered(Duration.ofSeconds(ctx.intOption("s1-timeout", 180)));
                double leshanCpu = BenchMain.cpuSeconds(leshan.process.pid()) - leshanCpu0;
                double leshanCpuPerRegistration = leshanCpu * 1000 / devices;
                bench.figure("S1", "bare Leshan CPU per registration", leshanCpuPerRegistration, "ms", null, null);
                double cpuRatio = gatewayCpuPerRegistration / leshanCpuPerRegistration;
                bench.figure("S1", "issue 17: CPU per registration, gateway / bare Leshan", cpuRatio, "x", "<= 1.5x",
                        cpuRatio <= 1.5);
                bench.detail("S1", "cpuRatioGatewayToBareLeshan", cpuRatio);
                bench.detail("S1", "cpuSecondsBareLeshan", leshanCpu);
                FleetStats stats = fleet.stats();
                long[] lat = stats.registrationLatencies();
                double rate = lat.length / ((stats.lastRegistered.get() - stats.firstRegisterSent.get()) / 1e9);
                bench.figure("S1", "registrations/s, bare Leshan (reference)", rate, "reg/s", null, null);
                bench.figure("S1", "bare Leshan registration p50", BenchMain.percentileMs(lat, 0.5), "ms", null, null);
                bench.figure("S1", "bare Leshan registration p99", BenchMain.percentileMs(lat, 0.99), "ms", null, null);
                double ratio = gatewayRate / rate;
                bench.figure("S1", "gateway / bare Leshan", ratio * 100, "%", ">= 70 %", ratio >= 0.7);
                bench.detail("S1", "bareLeshanRegistered", stats.registered.sum());
                bench.detail("S1", "bareLeshanRetransmissions", stats.retransmissions.sum());
            }
        }
    }

    private static void warmUp(int devices, int window, int port, String prefix) throws InterruptedException {
        if (devices <= 0) {
            return;
        }
        try (Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix(prefix).threads(2)
                .registerWindow(window).server("127.0.0.1", port))) {
            fleet.awaitRegistered(Duration.ofSeconds(120));
            fleet.deregisterAll(Duration.ofSeconds(60));
        }
    }
}
