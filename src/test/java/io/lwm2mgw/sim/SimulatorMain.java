package io.lwm2mgw.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Command line of the fleet simulator ({@code scripts/simulate}): starts a fleet against a gateway and
 * prints one status line per interval until Ctrl-C (or {@code --duration}), then de-registers the devices.
 */
public final class SimulatorMain {

    private static final String USAGE = """
            usage: scripts/simulate [options]
              --devices N            simulated devices, one UDP socket each          (100)
              --server HOST:PORT     the gateway's CoAP endpoint                     (localhost:5683)
              --notify-rate R        notifications per second over the whole fleet  (0)
              --confirmable          send notifications as CON instead of NON
              --lwm2m 1.0|1.1        LwM2M version to register with                  (1.1)
              --queue                queue mode (b=UQ / Q); asleep requests are not answered
              --awake-time S         seconds a queue-mode device listens after sending (10)
              --objects LIST         objects to announce, among 1,3,5,3303,3311      (1,3,5,3303)
              --lifetime S           registration lifetime, seconds                  (300)
              --update-interval S    seconds between registration updates           (lifetime/2)
              --prefix P             endpoint name prefix                            (sim-)
              --first-index I        first endpoint index                            (0)
              --threads T            selector threads                                (min(4, cores))
              --register-rate R      registrations started per second, 0 = window only (0)
              --register-window W    registrations in flight at once                 (256)
              --timestamps           /3303/0/5700 carries the send time (epoch us) for latency checks
              --duration S           stop after S seconds, 0 = until Ctrl-C           (0)
              --interval S           seconds between status lines                    (5)
              --psk HEXKEY           DTLS with this pre-shared key for every device, identity = endpoint
                                     name (point --server at the CoAPS port, 5684); a DTLS connector per
                                     device (two threads each): hundreds of devices, not thousands
              --write-credentials F  write the fleet's PSK entries in the gateway's credentials-file
                                     format to F (merge them into the gateway's file) and exit
            A device answers Read/Write/Execute/Observe on its objects (text, TLV, SenML JSON), Create and
            Delete on 3303 and 3311 (4.05 on the single-instance 1, 3, 5), notifies
            observations of /3303/0/5700 at the fleet's rate and accepts a Block1 firmware write on /5/0/0.
            """;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        FleetConfig config = new FleetConfig();
        long durationSeconds = 0;
        long interval = 5;
        Path credentialsFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--devices" -> config.devices = Integer.parseInt(args[++i]);
                case "--server" -> {
                    String[] hp = args[++i].split(":");
                    config.server("localhost".equals(hp[0]) ? "127.0.0.1" : hp[0],
                            hp.length > 1 ? Integer.parseInt(hp[1]) : 5683);
                }
                case "--notify-rate" -> config.notifyRate = Double.parseDouble(args[++i]);
                case "--confirmable" -> config.confirmableNotifications = true;
                case "--lwm2m" -> config.lwm2mVersion = args[++i];
                case "--queue" -> config.queueMode = true;
                case "--awake-time" -> config.awakeTime = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--objects" -> config.objects(Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::valueOf).toArray(Integer[]::new));
                case "--lifetime" -> config.lifetime = Long.parseLong(args[++i]);
                case "--update-interval" -> config.updateInterval = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--prefix" -> config.prefix = args[++i];
                case "--first-index" -> config.firstIndex = Integer.parseInt(args[++i]);
                case "--threads" -> config.threads = Integer.parseInt(args[++i]);
                case "--register-rate" -> config.registerRate = Double.parseDouble(args[++i]);
                case "--register-window" -> config.registerWindow = Integer.parseInt(args[++i]);
                case "--timestamps" -> config.timestampValues = true;
                case "--duration" -> durationSeconds = Long.parseLong(args[++i]);
                case "--interval" -> interval = Long.parseLong(args[++i]);
                case "--psk" -> config.psk(HexFormat.of().parseHex(args[++i]));
                case "--write-credentials" -> credentialsFile = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.println("unknown option " + a + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        if (!config.lwm2mVersion.equals("1.0") && !config.lwm2mVersion.equals("1.1")) {
            System.err.println("--lwm2m must be 1.0 or 1.1");
            System.exit(2);
        }
        if (!SimObjects.objectIds().containsAll(config.objects)) {
            System.err.println("--objects: only " + SimObjects.objectIds() + " are simulated");
            System.exit(2);
        }
        if (credentialsFile != null) {
            if (config.pskKey == null) {
                System.err.println("--write-credentials needs --psk");
                System.exit(2);
            }
            Files.writeString(credentialsFile, credentials(config));
            System.out.println("simulate: wrote " + config.devices + " PSK entries to " + credentialsFile);
            return;
        }
        run(config, durationSeconds, interval);
    }

    /** The fleet's entries in the gateway's credentials file format (README, "Securing a deployment"). */
    static String credentials(FleetConfig config) {
        return "{\"devices\": [\n" + credentialEntries(config) + "\n]}\n";
    }

    /** One {@code {"endpoint", "psk"}} entry per device, comma-separated, to merge into an existing file. */
    static String credentialEntries(FleetConfig config) {
        String key = HexFormat.of().formatHex(config.pskKey);
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < config.devices; i++) {
            String ep = config.endpoint(i);
            json.append(i == 0 ? "" : ",\n").append("  {\"endpoint\": \"").append(ep)
                    .append("\", \"psk\": {\"identity\": \"").append(ep).append("\", \"key\": \"").append(key)
                    .append("\"}}");
        }
        return json.toString();
    }

    private static void run(FleetConfig config, long durationSeconds, long interval) throws InterruptedException {
        System.out.printf(Locale.ROOT, "simulate: %d devices (%s..%s) against %s, LwM2M %s%s%s, %d threads, %.0f notifications/s%n",
                config.devices, config.endpoint(0), config.endpoint(config.devices - 1), config.server,
                config.lwm2mVersion, config.queueMode ? " queue mode" : "", config.pskKey != null ? " DTLS-PSK" : "",
                config.threads, config.notifyRate);
        Fleet fleet = Fleet.start(config);
        Thread stopper = new Thread(() -> {
            try {
                System.out.println("simulate: de-registering...");
                fleet.deregisterAll(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fleet.close();
            System.out.println("simulate: " + fleet.stats());
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        long start = System.nanoTime();
        long lastNotifications = 0;
        long lastTime = start;
        while (durationSeconds == 0 || System.nanoTime() - start < durationSeconds * 1_000_000_000L) {
            Thread.sleep(interval * 1000);
            long now = System.nanoTime();
            long notifications = fleet.stats().notificationsSent.sum();
            long[] reg = fleet.stats().registrationLatencies();
            System.out.printf(Locale.ROOT, "%6.0fs registered %d/%d (p50 %.1f ms, p99 %.1f ms), %.0f notifications/s, %s%n",
                    (now - start) / 1e9, fleet.stats().registered.sum(), config.devices,
                    FleetStats.percentile(reg, 0.5) / 1000.0, FleetStats.percentile(reg, 0.99) / 1000.0,
                    (notifications - lastNotifications) / ((now - lastTime) / 1e9), fleet.stats());
            lastNotifications = notifications;
            lastTime = now;
        }
        System.exit(0);
    }
}
