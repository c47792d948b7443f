package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.command.DeviceLanes;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.leshan.core.LwM2m;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.SocketIdentity;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;

/** Which requests the auto-observe rules make for a device, by its LwM2M version and the objects it has. */
class AutoObserveStepsTest {

    private static final AutoObserveFlow FLOW = new AutoObserveFlow(AutoObserveFlowRulesTest.rules(
            AutoObserveFlowRulesTest.Rule.observeTogether("/3303/0/5700", "/3/0/9", "/3311/0/5851").pmax(60),
            AutoObserveFlowRulesTest.Rule.observe("/3303")), 1000, (reg, success) -> { }, new DeviceLanes());

    private static Registration device(LwM2m.LwM2mVersion version) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        return new Registration.Builder("r-1", "lamp-1", new IpPeer(address, new SocketIdentity(address)),
                new EndpointUri("coap", "127.0.0.1", 5683))
                .registrationDate(new Date()).lastUpdate(new Date()).lifeTimeInSec(300L).lwM2mVersion(version)
                .bindingMode(EnumSet.of(BindingMode.U))
                .objectLinks(new LenientLinkParser().parseCoreLinkFormat(
                        "</1/0>,</3/0>,</3303/0>".getBytes(StandardCharsets.UTF_8)))
                .supportedObjects(Map.of(1, new LwM2m.Version("1.1"), 3, new LwM2m.Version("1.0"),
                        3303, new LwM2m.Version("1.1")))
                .availableInstances(Set.of(new LwM2mPath("/1/0"), new LwM2mPath("/3/0"), new LwM2mPath("/3303/0")))
                .build();
    }

    @Test
    void a_1_1_device_gets_one_composite_observation_of_the_paths_it_has() throws Exception {
        List<AutoObserveFlow.Step> steps = FLOW.steps(device(LwM2m.LwM2mVersion.V1_1));

        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).composite()).isTrue();
        assertThat(steps.get(0).paths()).as("no 3311 on this device: left out")
                .containsExactly(Lwm2mPath.of(3303, 0, 5700), Lwm2mPath.of(3, 0, 9));
        assertThat(steps.get(0).attributes().isEmpty()).isFalse();
        assertThat(steps.get(1).composite()).isFalse();
        assertThat(steps.get(1).paths()).containsExactly(Lwm2mPath.of(3303));
    }

    @Test
    void a_1_0_device_gets_one_observation_per_path_instead() throws Exception {
        List<AutoObserveFlow.Step> steps = FLOW.steps(device(LwM2m.LwM2mVersion.V1_0));

        assertThat(steps).extracting(AutoObserveFlow.Step::composite).containsOnly(false);
        assertThat(steps).extracting(step -> step.paths().get(0)).containsExactly(Lwm2mPath.of(3303, 0, 5700),
                Lwm2mPath.of(3, 0, 9), Lwm2mPath.of(3303));
    }
}
