package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.state.redis.FreshRedis;
import io.lwm2mgw.state.redis.RedisStateBackend;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.leshan.core.LwM2m;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.peer.SocketIdentity;
import org.eclipse.leshan.server.registration.InMemoryRegistrationStore;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateways (replicas) on one real redis-server: a registration one made is taken over by the other when
 * the device's next message reaches it, served on the other's endpoint, and dropped by the first.
 */
class RegistrationTakeOverTest {

    private static final EndpointUri ON_A = new EndpointUri("coap", "127.0.0.1", 15683);
    private static final EndpointUri ON_B = new EndpointUri("coap", "127.0.0.1", 25683);
    private static final byte[] TOKEN = {7, 7, 1, 2};

    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();

    private final StoreHealth health = new StoreHealth();
    private final List<DurableRegistrationStore> stores = new ArrayList<>();
    private final List<Registration> takenOverOnB = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stopStores() {
        stores.forEach(DurableRegistrationStore::stop);
    }

    private DurableRegistrationStore gateway(String id, EndpointUri servedOn, List<Registration> takenOver) {
        GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("gateway.id", id, "gateway.state.backend", "redis"),
                        "takeover-test", 500))
                .build().getConfigMapping(GatewayConfig.class);
        RedisStateBackend backend = new RedisStateBackend(REDIS.server().call(), config, new ObjectMapper(), health,
                Clock.systemUTC());
        DurableRegistrationStore store = new DurableRegistrationStore(new InMemoryRegistrationStore(),
                backend.registrations(), new ObjectMapper(), new RetriedWrites("registrations", health,
                        Duration.ofMillis(20), Duration.ofMillis(200)), id);
        store.serveOn(() -> List.of(servedOn), takenOver::add);
        stores.add(store);
        return store;
    }

    private static Registration registration(String id, String endpoint) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001);
        return new Registration.Builder(id, endpoint, new IpPeer(address, new SocketIdentity(address)), ON_A)
                .registrationDate(new Date())
                .lastUpdate(new Date())
                .lifeTimeInSec(300L)
                .lwM2mVersion(LwM2m.LwM2mVersion.V1_1)
                .bindingMode(EnumSet.of(BindingMode.U))
                .objectLinks(new LenientLinkParser().parseCoreLinkFormat(
                        "</>;rt=\"oma.lwm2m\",</1/0>,</3/0>".getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    private static Observation observation(String registrationId, EndpointUri on) {
        return new SingleObservation(new ObservationIdentifier(on, TOKEN), registrationId,
                new LwM2mPath("/3/0/9"), null, Map.of(), Map.of("coapRequest", "0a0b"));
    }

    /** A has the device registered with one observation, written through to Redis. */
    private DurableRegistrationStore registeredOnA() throws Exception {
        DurableRegistrationStore a = gateway("gw-a", ON_A, new ArrayList<>());
        a.addRegistration(registration("reg-1", "lamp-1"));
        a.addObservation("reg-1", observation("reg-1", ON_A), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.unwritten() == 0
                && REDIS.server().call().call("EXISTS", "lwm2m:token:07070102").toInteger() == 1);
        return a;
    }

    @Test
    void an_update_reaching_another_gateway_takes_the_registration_over_on_that_gateways_endpoint()
            throws Exception {
        DurableRegistrationStore a = registeredOnA();
        DurableRegistrationStore b = gateway("gw-b", ON_B, takenOverOnB);

        Registration onB = b.getRegistration("reg-1");

        assertThat(onB).isNotNull();
        assertThat(onB.getEndpoint()).isEqualTo("lamp-1");
        assertThat(onB.getEndpointUri()).as("served on B's own endpoint").isEqualTo(ON_B);
        assertThat(b.getObservations("reg-1")).singleElement()
                .satisfies(o -> assertThat(o.getId().getEndpointUri()).isEqualTo(ON_B));
        assertThat(takenOverOnB).extracting(Registration::getId).containsExactly("reg-1");
        assertThat(REDIS.server().call().call("HGET", "lwm2m:reg:reg-1", "owner").toString()).isEqualTo("gw-b");
        assertThat(REDIS.server().call().call("SISMEMBER", "lwm2m:regs:gw-a", "reg-1").toInteger()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.unwritten() == 0
                && REDIS.server().call().call("HGET", "lwm2m:reg:reg-1", "snapshot").toString().contains("25683"));

        assertThat(a.releaseMoved()).as("A drops what B took").isEqualTo(1);
        assertThat(a.getRegistrationByEndpoint("lamp-1")).isNull();
        assertThat(a.size()).isZero();
        assertThat(REDIS.server().call().call("EXISTS", "lwm2m:reg:reg-1").toInteger())
                .as("A dropping it from memory leaves B's record alone").isEqualTo(1);
        assertThat(b.releaseMoved()).isZero();
        assertThat(gateway("gw-b", ON_B, new ArrayList<>()).restore()).as("B restores it after a restart")
                .isEqualTo(1);
    }

    @Test
    void a_notification_reaching_another_gateway_finds_its_registration_by_the_observation_token()
            throws Exception {
        registeredOnA();
        DurableRegistrationStore b = gateway("gw-b", ON_B, takenOverOnB);

        Observation found = b.getObservation(new ObservationIdentifier(ON_B, TOKEN));

        assertThat(found).isNotNull();
        assertThat(found.getRegistrationId()).isEqualTo("reg-1");
        assertThat(b.getRegistration("reg-1").getEndpointUri()).isEqualTo(ON_B);
        assertThat(takenOverOnB).hasSize(1);
    }

    @Test
    void a_save_by_the_former_owner_does_not_take_the_registration_back() throws Exception {
        DurableRegistrationStore a = registeredOnA();
        DurableRegistrationStore b = gateway("gw-b", ON_B, takenOverOnB);
        assertThat(b.getRegistration("reg-1")).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.unwritten() == 0);

        a.removeObservations("reg-1"); // A still holds it for a moment and writes a change
        a.removeRegistration("reg-1"); // and even a De-register it was sent late
        await().atMost(Duration.ofSeconds(10)).until(() -> a.unwritten() == 0);

        assertThat(REDIS.server().call().call("HGET", "lwm2m:reg:reg-1", "owner").toString()).isEqualTo("gw-b");
        assertThat(REDIS.server().call().call("GET", "lwm2m:endpoint:lamp-1").toString()).isEqualTo("reg-1");
        assertThat(b.getObservations("reg-1")).hasSize(1);
    }

    @Test
    void a_new_register_on_another_gateway_makes_the_old_registration_leave_the_first() throws Exception {
        DurableRegistrationStore a = registeredOnA();
        DurableRegistrationStore b = gateway("gw-b", ON_B, takenOverOnB);

        Registration again = new Registration.Builder(registration("reg-2", "lamp-1")).build();
        b.addRegistration(again);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.unwritten() == 0);

        assertThat(a.releaseMoved()).isEqualTo(1);
        assertThat(a.getRegistration("reg-1")).as("the replaced registration is not taken over again").isNull();
        assertThat(REDIS.server().call().call("GET", "lwm2m:endpoint:lamp-1").toString()).isEqualTo("reg-2");
    }

    @Test
    void an_unknown_registration_id_is_not_found_and_takes_nothing() throws Exception {
        registeredOnA();
        DurableRegistrationStore b = gateway("gw-b", ON_B, takenOverOnB);

        assertThat(b.getRegistration("no-such-id")).isNull();
        assertThat(b.getObservation(new ObservationIdentifier(ON_B, new byte[] {1}))).isNull();
        assertThat(takenOverOnB).isEmpty();
        assertThat(REDIS.server().call().call("HGET", "lwm2m:reg:reg-1", "owner").toString()).isEqualTo("gw-a");
    }
}
