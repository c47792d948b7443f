package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Date;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.leshan.core.LwM2m;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.SocketIdentity;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.server.registration.InMemoryRegistrationStore;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registrations and observations written to files and read back by a new store, as after a restart. */
class DurableRegistrationStoreTest {

    private static final EndpointUri SERVER = new EndpointUri("coap", "127.0.0.1", 5683);

    @TempDir
    Path folder;

    private final StoreHealth health = new StoreHealth();

    private DurableRegistrationStore store() {
        return store(folder);
    }

    private DurableRegistrationStore store(Path directory) {
        return new DurableRegistrationStore(new InMemoryRegistrationStore(), new FileRegistrationSnapshots(directory),
                new ObjectMapper(), new RetriedWrites("registrations", health, Duration.ofMillis(20),
                        Duration.ofMillis(200)), "gw-test");
    }

    private static Registration registration(String id, String endpoint, LwM2mPeer peer) throws Exception {
        return new Registration.Builder(id, endpoint, peer, SERVER)
                .registrationDate(new Date(1_700_000_000_000L))
                .lastUpdate(new Date(System.currentTimeMillis()))
                .lifeTimeInSec(300L)
                .lwM2mVersion(LwM2m.LwM2mVersion.V1_1)
                .bindingMode(EnumSet.of(BindingMode.U, BindingMode.Q))
                .queueMode(true)
                .objectLinks(new LenientLinkParser().parseCoreLinkFormat(
                        "</>;rt=\"oma.lwm2m\",</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>".getBytes(StandardCharsets.UTF_8)))
                .rootPath("/")
                .supportedContentFormats(ContentFormat.TLV, ContentFormat.SENML_JSON)
                .supportedObjects(Map.of(1, new LwM2m.Version("1.1"), 3, new LwM2m.Version("1.0"),
                        3303, new LwM2m.Version("1.1")))
                .availableInstances(Set.of(new LwM2mPath("/1/0"), new LwM2mPath("/3/0"), new LwM2mPath("/3303/0")))
                .additionalRegistrationAttributes(Map.of("apn", "iot"))
                .customRegistrationData(Map.of("tenant", "north"))
                .build();
    }

    private static IpPeer plain(int port) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), port);
        return new IpPeer(address, new SocketIdentity(address));
    }

    private static Observation observation(String registrationId, byte[] token) {
        return new SingleObservation(new ObservationIdentifier(SERVER, token), registrationId,
                new LwM2mPath("/3303/0/5700"), ContentFormat.SENML_JSON, Map.of("trigger", "auto"),
                Map.of("coapRequest", "0a0b0c"));
    }

    @Test
    void a_registration_and_its_observation_survive_a_restart() throws Exception {
        DurableRegistrationStore before = store();
        Registration lamp = registration("reg-1", "lamp-1", plain(40001));
        before.addRegistration(lamp);
        before.addObservation("reg-1", observation("reg-1", new byte[] {1, 2, 3, 4}), false);
        before.stop();

        DurableRegistrationStore after = store();
        assertThat(after.restore()).isEqualTo(1);

        Registration restored = after.getRegistrationByEndpoint("lamp-1");
        assertThat(restored).isEqualTo(lamp);
        assertThat(after.getRegistrationByAdress(lamp.getSocketAddress())).isEqualTo(lamp);
        Observation found = after.getObservation(new ObservationIdentifier(SERVER, new byte[] {1, 2, 3, 4}));
        assertThat(found).isEqualTo(observation("reg-1", new byte[] {1, 2, 3, 4}));
        assertThat(after.getObservations("reg-1")).hasSize(1);
    }

    @Test
    void registrations_an_earlier_version_left_in_files_are_restored_from_the_embedded_engine() throws Exception {
        DurableRegistrationStore before = store(folder.resolve("registrations"));
        Registration lamp = registration("reg-1", "lamp-1", plain(40001));
        before.addRegistration(lamp);
        before.addObservation("reg-1", observation("reg-1", new byte[] {9, 8, 7}), false);
        before.stop();
        var config = new io.smallrye.config.SmallRyeConfigBuilder()
                .withMapping(io.lwm2mgw.config.GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.PropertiesConfigSource(Map.of("gateway.id", "gw-test",
                        "gateway.lwm2m.state-directory", folder.resolve("registrations").toString(),
                        "gateway.commands.store-directory", folder.resolve("commands").toString(),
                        "gateway.firmware.campaign-directory", folder.resolve("campaigns").toString()), "t", 500))
                .build().getConfigMapping(io.lwm2mgw.config.GatewayConfig.class);

        try (var state = new io.lwm2mgw.state.embedded.EmbeddedStateBackend(config, new ObjectMapper(), health,
                io.lwm2mgw.storage.EarlierFormats.NONE)) {
            DurableRegistrationStore after = new DurableRegistrationStore(new InMemoryRegistrationStore(),
                    state.registrations(), new ObjectMapper(), new RetriedWrites("registrations", health,
                            Duration.ofMillis(20), Duration.ofMillis(200)), "gw-test");

            assertThat(after.restore()).isEqualTo(1);
            assertThat(after.getRegistrationByEndpoint("lamp-1")).isEqualTo(lamp);
            assertThat(after.getObservation(new ObservationIdentifier(SERVER, new byte[] {9, 8, 7}))).isNotNull();
            after.stop();
        }
        assertThat(folder.resolve("registrations/reg-1.json")).as("moved aside").doesNotExist();
        assertThat(folder.resolve("registrations/migrated/reg-1.json")).isRegularFile();
    }

    @Test
    void a_deregistered_device_is_gone_after_a_restart_and_others_stay() throws Exception {
        DurableRegistrationStore before = store();
        before.addRegistration(registration("reg-1", "lamp-1", plain(40001)));
        before.addRegistration(registration("reg-2", "lamp-2", plain(40002)));
        before.removeRegistration("reg-1");
        before.stop();

        DurableRegistrationStore after = store();
        assertThat(after.restore()).isEqualTo(1);
        assertThat(after.getRegistrationByEndpoint("lamp-1")).isNull();
        assertThat(after.getRegistrationByEndpoint("lamp-2")).isNotNull();
        assertThat(Files.exists(folder.resolve("reg-1.json"))).isFalse();
    }

    @Test
    void a_cancelled_observation_stays_cancelled() throws Exception {
        DurableRegistrationStore before = store();
        before.addRegistration(registration("reg-1", "lamp-1", plain(40001)));
        before.addObservation("reg-1", observation("reg-1", new byte[] {9}), false);
        before.removeObservation("reg-1", new ObservationIdentifier(SERVER, new byte[] {9}));
        before.stop();

        DurableRegistrationStore after = store();
        after.restore();
        assertThat(after.getObservations("reg-1")).isEmpty();
    }

    @Test
    void an_unreadable_snapshot_is_dropped_and_the_rest_restored() throws Exception {
        DurableRegistrationStore before = store();
        before.addRegistration(registration("reg-2", "lamp-2", plain(40002)));
        before.stop();
        Files.writeString(folder.resolve("reg-1.json"), "{\"format\":1,\"registration\":{\"id\":");

        DurableRegistrationStore after = store();
        assertThat(after.restore()).isEqualTo(1);
        after.stop();
        assertThat(Files.exists(folder.resolve("reg-1.json"))).as("dropped, the device registers again").isFalse();
    }

    @Test
    void rpk_and_x509_registrations_keep_their_identity_across_a_restart() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        InetSocketAddress rpkAddress = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 40003);
        InetSocketAddress x509Address = new InetSocketAddress(InetAddress.getByName("10.1.2.4"), 40004);
        RpkIdentity rpk = new RpkIdentity(generator.generateKeyPair().getPublic());
        DurableRegistrationStore before = store();
        before.addRegistration(registration("reg-3", "secure-1", new IpPeer(rpkAddress, rpk)));
        before.addRegistration(registration("reg-4", "secure-2",
                new IpPeer(x509Address, new org.eclipse.leshan.core.peer.X509Identity("secure-2"))));
        before.stop();

        DurableRegistrationStore after = store();
        assertThat(after.restore()).isEqualTo(2);
        assertThat(after.getRegistrationByIdentity(rpk).getEndpoint()).isEqualTo("secure-1");
        assertThat(after.getRegistrationByIdentity(new org.eclipse.leshan.core.peer.X509Identity("secure-2"))
                .getEndpoint()).isEqualTo("secure-2");
        assertThat(Files.readString(folder.resolve("reg-3.json"))).as("a public key, nothing secret")
                .contains("\"type\":\"rpk\"");
    }

    @Test
    void registrations_the_disk_refuses_are_retried_until_stored_and_readiness_says_so_meanwhile() throws Exception {
        Path directory = folder.resolve("registrations");
        Files.writeString(directory, "not a folder: every write fails, as on a full or read-only volume");
        DurableRegistrationStore store = store(directory);
        for (int i = 1; i <= 8; i++) {
            store.addRegistration(registration("reg-" + i, "lamp-" + i, plain(40000 + i)));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> health.failures().containsKey("registrations"));
        assertThat(store.unwritten()).isEqualTo(8);

        Files.delete(directory); // the operator frees the volume
        Files.createDirectory(directory);

        await().atMost(Duration.ofSeconds(5)).until(() -> store.unwritten() == 0);
        assertThat(health.failures()).isEmpty();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(f -> f.getFileName().toString())).hasSize(8).allMatch(n -> n.endsWith(".json"));
        }
        DurableRegistrationStore after = store(directory);
        assertThat(after.restore()).as("every registration comes back after a kill -9").isEqualTo(8);
    }

    /** A real full disk: a 64 KiB tmpfs filled to the last block (needs mount rights, as root in CI). */
    @Test
    void a_full_disk_keeps_registrations_in_memory_and_writes_them_all_once_space_returns() throws Exception {
        Path mountPoint = Files.createDirectory(folder.resolve("small-volume"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.toString()),
                "tmpfs cannot be mounted here");
        try {
            Path filler = mountPoint.resolve("filler");
            fill(filler);
            DurableRegistrationStore store = store(mountPoint);
            for (int i = 1; i <= 8; i++) {
                store.addRegistration(registration("reg-" + i, "lamp-" + i, plain(40000 + i)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> health.failures().containsKey("registrations"));
            assertThat(health.failures().get("registrations")).contains("No space left");
            try (Stream<Path> files = Files.list(mountPoint)) {
                assertThat(files).as("no temporary file left behind").noneMatch(f -> f.toString().endsWith(".tmp"));
            }

            Files.delete(filler);

            await().atMost(Duration.ofSeconds(5)).until(() -> store.unwritten() == 0);
            assertThat(health.failures()).isEmpty();
            assertThat(store(mountPoint).restore()).isEqualTo(8);
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    /** The same full disk under the embedded engine: MVStore closes itself on the failed write and is reopened. */
    @Test
    void a_full_disk_under_the_embedded_engine_is_survived_and_every_registration_written_once_space_returns()
            throws Exception {
        Path mountPoint = Files.createDirectory(folder.resolve("small-engine-volume"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.toString()),
                "tmpfs cannot be mounted here");
        var config = new io.smallrye.config.SmallRyeConfigBuilder()
                .withMapping(io.lwm2mgw.config.GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.PropertiesConfigSource(Map.of("gateway.id", "gw-test",
                        "gateway.state.directory", mountPoint.resolve("state").toString(),
                        "gateway.lwm2m.state-directory", folder.resolve("registrations").toString(),
                        "gateway.commands.store-directory", folder.resolve("commands").toString(),
                        "gateway.firmware.campaign-directory", folder.resolve("campaigns").toString()), "t", 500))
                .build().getConfigMapping(io.lwm2mgw.config.GatewayConfig.class);
        try {
            DurableRegistrationStore store;
            try (var state = new io.lwm2mgw.state.embedded.EmbeddedStateBackend(config, new ObjectMapper(), health,
                    io.lwm2mgw.storage.EarlierFormats.NONE)) {
                store = new DurableRegistrationStore(new InMemoryRegistrationStore(), state.registrations(),
                        new ObjectMapper(), new RetriedWrites("registrations", health, Duration.ofMillis(20),
                                Duration.ofMillis(200)), "gw-test");
                Path filler = mountPoint.resolve("filler");
                fill(filler);
                for (int i = 1; i <= 8; i++) {
                    store.addRegistration(registration("reg-" + i, "lamp-" + i, plain(40000 + i)));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> health.failures().containsKey("registrations"));

                Files.delete(filler);

                await().atMost(Duration.ofSeconds(10)).until(() -> store.unwritten() == 0);
                assertThat(health.failures()).isEmpty();
                store.stop();
            }
            try (var state = new io.lwm2mgw.state.embedded.EmbeddedStateBackend(config, new ObjectMapper(), health,
                    io.lwm2mgw.storage.EarlierFormats.NONE)) {
                assertThat(state.registrations().loadAll()).hasSize(8);
            }
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    private static void fill(Path filler) {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (java.io.IOException full) {
            // the volume is full
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }
}
