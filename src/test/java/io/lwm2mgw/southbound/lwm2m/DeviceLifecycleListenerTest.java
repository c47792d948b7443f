package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceUpdated;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceLifecycleListenerTest {

    private final List<DeviceEvent> events = new ArrayList<>();
    private final DeviceLifecycleListener listener = new DeviceLifecycleListener(events::add, null,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    private static Registration registration(boolean queueMode, long lifetime) {
        return new Registration.Builder("reg-1", "dev-1", new IpPeer(new InetSocketAddress("127.0.0.1", 56830)),
                new EndpointUri("coap", "127.0.0.1", 5683))
                .lwM2mVersion(LwM2mVersion.V1_1)
                .bindingMode(EnumSet.of(BindingMode.U))
                .queueMode(queueMode)
                .lifeTimeInSec(lifetime)
                .objectLinks(new Link[] {new Link("/3/0")})
                .build();
    }

    @ParameterizedTest
    @CsvSource({"true, AWAKE", "false, REGISTERED"})
    void an_update_publishes_the_state_the_device_is_in(boolean queueMode, DeviceState expected) {
        listener.updated(null, registration(queueMode, 120), registration(queueMode, 60));

        DeviceUpdated updated = (DeviceUpdated) events.get(0);
        assertThat(updated.status().state()).isEqualTo(expected);
        assertThat(updated.changes()).containsOnlyKeys("lifetime");
    }
}
