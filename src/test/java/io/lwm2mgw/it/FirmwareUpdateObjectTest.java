package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptor;
import org.eclipse.californium.core.CoapExchange;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerEndpointFactoryBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the test device's Object 5 against a plain Leshan server (no gateway): push over Block1, pull over
 * Block2 from a CoAP server in the test, the failure results of spec E.6 and the reboot after Update.
 */
class FirmwareUpdateObjectTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long TIMEOUT_MS = 60_000;

    private LeshanServer server;
    private CoapServer files;
    private final Map<String, AtomicInteger> registrations = new ConcurrentHashMap<>();
    /** Observed State values per endpoint, in arrival order (the observe response first). */
    private final Map<String, List<Long>> observedStates = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> observedResults = new ConcurrentHashMap<>();
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    /** Block2 blocks (by size and number) the file server was asked for. */
    private final java.util.Set<String> blocksAsked = ConcurrentHashMap.newKeySet();
    private final List<TestDevice> devices = new ArrayList<>();

    @BeforeEach
    void startServers() {
        CaliforniumServerEndpointsProvider.Builder endpoints =
                new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider());
        var californium = endpoints.createDefaultConfiguration();
        californium.set(org.eclipse.californium.core.config.CoapConfig.PREFERRED_BLOCK_SIZE, 512);
        californium.set(org.eclipse.californium.core.config.CoapConfig.MAX_MESSAGE_SIZE, 512);
        californium.set(org.eclipse.californium.core.config.CoapConfig.MAX_RESOURCE_BODY_SIZE, 8 * 1024 * 1024);
        endpoints.setConfiguration(californium);
        endpoints.addEndpoint(new CoapServerEndpointFactoryBuilder()
                .setURI(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        server = new LeshanServerBuilder().setEndpointsProviders(endpoints.build()).build();
        server.getRegistrationService().addListener(new RegistrationListener() {
            @Override
            public void registered(Registration reg, Registration previous, Collection<Observation> observations) {
                registrations.computeIfAbsent(reg.getEndpoint(), e -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void updated(RegistrationUpdate update, Registration updated, Registration previous) {
            }

            @Override
            public void unregistered(Registration reg, Collection<Observation> observations, boolean expired,
                    Registration newReg) {
            }
        });
        server.getObservationService().addListener(new ObservationListener() {
            @Override
            public void newObservation(Observation observation, Registration registration) {
            }

            @Override
            public void cancelled(Observation observation) {
            }

            @Override
            public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
                Map<String, List<Long>> into = observation.getPath().toString().equals("/5/0/3") ? observedStates
                        : observedResults;
                into.computeIfAbsent(registration.getEndpoint(), e -> new CopyOnWriteArrayList<>())
                        .add((Long) ((LwM2mSingleResource) response.getContent()).getValue());
            }

            @Override
            public void onResponse(CompositeObservation observation, Registration registration,
                    ObserveCompositeResponse response) {
            }

            @Override
            public void onError(Observation observation, Registration registration, Exception error) {
            }
        });
        server.start();

        files = new CoapServer(FirmwareUpdateObject.configuration());
        files.addEndpoint(new CoapEndpoint.Builder().setConfiguration(FirmwareUpdateObject.configuration())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        files.add(firmwareFiles());
        files.getEndpoints().get(0).addInterceptor(new MessageInterceptor() {
            @Override
            public void receiveRequest(Request request) {
                var block2 = request.getOptions().getBlock2();
                blocksAsked.add(block2 == null ? "whole" : block2.getSize() + ":" + block2.getNum());
            }
        });
        files.start();
    }

    /** The resource under /fw/...: serves {@link #served}, 4.04 for anything else, 5.03 at a name ending "busy". */
    private CoapResource firmwareFiles() {
        return new CoapResource("fw") {
            @Override
            public CoapResource getChild(String name) {
                return this;
            }

            @Override
            public void handleGET(CoapExchange exchange) {
                String path = exchange.getRequestOptions().getUriPathString();
                byte[] image = served.get(path);
                if (path.endsWith("busy")) {
                    exchange.respond(ResponseCode.SERVICE_UNAVAILABLE);
                } else if (image == null) {
                    exchange.respond(ResponseCode.NOT_FOUND);
                } else {
                    exchange.respond(ResponseCode.CONTENT, image);
                }
            }
        };
    }

    @AfterEach
    void stopServers() {
        devices.forEach(TestDevice::close);
        files.destroy();
        server.destroy();
    }

    private TestDevice device(FirmwareBehaviour behaviour) {
        String endpoint = "fw-" + UUID.randomUUID().toString().substring(0, 8);
        TestDevice device = givenDevice(endpoint).withFirmware(behaviour)
                .registeredAt(server.getEndpoint(Protocol.COAP).getURI().getPort());
        devices.add(device);
        await().atMost(WAIT).until(() -> registration(device) != null);
        return device;
    }

    private Registration registration(TestDevice device) {
        return server.getRegistrationService().getByEndpoint(device.endpoint());
    }

    private <T extends LwM2mResponse> T send(TestDevice device,
            org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest<T> request) throws InterruptedException {
        T response = server.send(registration(device), request, TIMEOUT_MS);
        assertThat(response).as("answer to " + request).isNotNull();
        return response;
    }

    private long readLong(TestDevice device, int resource) throws InterruptedException {
        ReadResponse response = send(device, new ReadRequest(5, 0, resource));
        return (Long) ((LwM2mSingleResource) response.getContent()).getValue();
    }

    /** Observes State and Update Result; the observe responses' values start the observed lists. */
    private void observeStateAndResult(TestDevice device) throws InterruptedException {
        observe(device, 3, observedStates);
        observe(device, 5, observedResults);
    }

    private void observe(TestDevice device, int resource, Map<String, List<Long>> into) throws InterruptedException {
        ObserveResponse response = send(device, new ObserveRequest(5, 0, resource));
        assertThat(response.isSuccess()).isTrue();
        into.computeIfAbsent(device.endpoint(), e -> new CopyOnWriteArrayList<>())
                .add(0, (Long) ((LwM2mSingleResource) response.getContent()).getValue());
    }

    private List<Long> states(TestDevice device) {
        return observedStates.getOrDefault(device.endpoint(), List.of());
    }

    private String serve(String name, byte[] image) {
        served.put("fw/" + name, image);
        return uriOf(name);
    }

    private String uriOf(String name) {
        return "coap://127.0.0.1:" + files.getEndpoints().get(0).getAddress().getPort() + "/fw/" + name;
    }

    private LwM2mResponse push(TestDevice device, byte[] image) throws InterruptedException {
        return send(device, new WriteRequest(ContentFormat.OPAQUE, 5, 0, 0, image));
    }

    @Test
    void a_pushed_mebibyte_is_downloaded_and_the_update_reboots_the_device_into_the_new_version() throws Exception {
        TestDevice device = device(new FirmwareBehaviour());
        observeStateAndResult(device);
        byte[] image = TestFirmwareImages.valid("2.0.0", 1024 * 1024);

        assertThat(push(device, image).isSuccess()).isTrue();

        assertThat(device.firmware().bytesReceived()).isEqualTo(image.length);
        assertThat(device.firmware().blockBytesReceived()).isEqualTo(image.length);
        assertThat(device.firmware().blockSizesReceived()).containsExactly(512);
        await().atMost(WAIT).untilAsserted(() -> assertThat(states(device)).containsExactly(0L, 1L, 2L));
        assertThat(readLong(device, 3)).isEqualTo(FirmwareUpdateObject.DOWNLOADED);
        assertThat(send(device, new ReadRequest(5, 0, 7)).getContent()).extracting("value").isEqualTo("2.0.0");

        assertThat(send(device, new ExecuteRequest("/5/0/2")).isSuccess()).isTrue();

        await().atMost(WAIT).until(() -> states(device).contains(3L));
        await().atMost(WAIT).until(() -> registrations.get(device.endpoint()).get() == 2 && device.registered());
        assertThat(device.firmwareVersion()).isEqualTo("2.0.0");
        ReadResponse version = send(device, new ReadRequest(3, 0, 3));
        assertThat(((LwM2mSingleResource) version.getContent()).getValue()).isEqualTo("2.0.0");
        assertThat(readLong(device, 3)).isEqualTo(FirmwareUpdateObject.IDLE);
        assertThat(readLong(device, 5)).isEqualTo(1);
        assertThat(device.firmware().stateHistory()).containsExactly(0, 1, 2, 3, 0);
    }

    @Test
    void a_device_preferring_small_blocks_answers_continue_with_its_size_and_gets_them() throws Exception {
        TestDevice device = device(new FirmwareBehaviour().preferringBlockSize(64));
        byte[] image = TestFirmwareImages.valid("2.1.0", 20_000);

        assertThat(push(device, image).isSuccess()).isTrue();

        // the server starts with its own 512 bytes; every block after the first is the device's 64
        assertThat(device.firmware().blockSizesReceived()).containsExactly(512, 64);
        assertThat(device.firmware().blockBytesReceived()).isEqualTo(image.length);
        assertThat(device.firmware().state()).isEqualTo(FirmwareUpdateObject.DOWNLOADED);
    }

    @Test
    void pushed_packages_that_fail_the_checks_end_idle_with_their_update_result() throws Exception {
        TestDevice device = device(new FirmwareBehaviour().withFlashSize(50_000));
        observeStateAndResult(device);
        Object[][] cases = {
            {TestFirmwareImages.corrupt("3.0.0", 10_000), 5L},
            {TestFirmwareImages.foreign(10_000), 6L},
            {TestFirmwareImages.valid("3.0.1", 60_000), 2L},
        };
        for (Object[] c : cases) {
            assertThat(push(device, (byte[]) c[0]).isSuccess()).isTrue();
            assertThat(readLong(device, 3)).isEqualTo(FirmwareUpdateObject.IDLE);
            assertThat(readLong(device, 5)).as("update result").isEqualTo(c[1]);
            await().atMost(WAIT).until(() -> observedResults.get(device.endpoint()).contains((Long) c[1]));
        }
        // each failure went idle -> downloading -> idle
        await().atMost(WAIT).untilAsserted(() -> assertThat(states(device))
                .containsExactly(0L, 1L, 0L, 1L, 0L, 1L, 0L));

        assertThat(push(device, new byte[0]).isSuccess()).isTrue();
        assertThat(readLong(device, 5)).isZero();
        assertThat(readLong(device, 3)).isEqualTo(FirmwareUpdateObject.IDLE);
    }

    @Test
    void a_pulled_package_comes_block_by_block_and_installs() throws Exception {
        TestDevice device = device(new FirmwareBehaviour().pullOnly().preferringBlockSize(256));
        observeStateAndResult(device);
        byte[] image = TestFirmwareImages.valid("4.0.0", 64 * 1024);
        String uri = serve("good", image);

        assertThat(send(device, new WriteRequest(5, 0, 1, uri)).isSuccess()).isTrue();

        await().atMost(WAIT).until(() -> device.firmware().state() == FirmwareUpdateObject.DOWNLOADED);
        assertThat(device.firmware().bytesReceived()).isEqualTo(image.length);
        // 256 distinct blocks of the device's 256 bytes (retransmissions ask for a block already listed)
        assertThat(blocksAsked).hasSize(64 * 1024 / 256).allMatch(b -> b.startsWith("256:"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(states(device)).containsExactly(0L, 1L, 2L));
        assertThat(send(device, new ReadRequest(5, 0, 1)).getContent()).extracting("value").isEqualTo(uri);

        assertThat(send(device, new ExecuteRequest("/5/0/2")).isSuccess()).isTrue();
        await().atMost(WAIT).until(() -> "4.0.0".equals(device.firmwareVersion())
                && registrations.get(device.endpoint()).get() == 2 && device.registered());
        assertThat(readLong(device, 5)).isEqualTo(1);
    }

    @Test
    void pulls_that_cannot_succeed_end_idle_with_the_update_result_that_says_why() throws Exception {
        int silentPort;
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = silent.getLocalPort();
        }
        TestDevice device = device(new FirmwareBehaviour().pullOnly().withPullTimeout(Duration.ofSeconds(1)));
        Object[][] cases = {
            {serve("corrupt", TestFirmwareImages.corrupt("5.0.0", 3000)), 5L},
            {serve("foreign", TestFirmwareImages.foreign(3000)), 6L},
            {uriOf("nothing-here"), 7L},
            {"coap//no-scheme-here", 7L},
            {"http://127.0.0.1:1/fw.bin", 9L},
            {"coaps://127.0.0.1:1/fw.bin", 9L},
            {"ftp://127.0.0.1/fw.bin", 9L},
            {serve("busy", new byte[] {1}), 4L},
            {"coap://127.0.0.1:" + silentPort + "/fw", 4L},
        };
        for (Object[] c : cases) {
            assertThat(send(device, new WriteRequest(5, 0, 1, (String) c[0])).isSuccess()).as((String) c[0]).isTrue();
            await().atMost(WAIT).until(() -> device.firmware().state() == FirmwareUpdateObject.IDLE);
            assertThat(readLong(device, 5)).as("update result for " + c[0]).isEqualTo(c[1]);
        }
        assertThat(send(device, new WriteRequest(5, 0, 1, "")).isSuccess()).isTrue();
        assertThat(readLong(device, 5)).isZero();
    }

    @Test
    void a_coaps_uri_is_downloaded_over_dtls_with_the_device_psk_and_a_wrong_key_loses_the_connection()
            throws Exception {
        byte[] key = "firmware-secret!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var config = FirmwareUpdateObject.configuration();
        var psk = new org.eclipse.californium.scandium.dtls.pskstore.MultiPskStore();
        psk.setKey("lamp", key);
        var dtls = new org.eclipse.californium.scandium.DTLSConnector(
                org.eclipse.californium.scandium.config.DtlsConnectorConfig.builder(config)
                        .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .setPskStore(psk).build());
        CoapServer secure = new CoapServer(config);
        secure.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config).setConnector(dtls).build());
        secure.add(firmwareFiles());
        secure.start();
        try {
            byte[] image = TestFirmwareImages.valid("9.0.0", 20_000);
            served.put("fw/secure", image);
            String uri = "coaps://127.0.0.1:" + secure.getEndpoints().get(0).getAddress().getPort() + "/fw/secure";
            TestDevice device = device(new FirmwareBehaviour().pullOnly().supportingProtocols(0, 1)
                    .withCoapsPsk("lamp", key));
            TestDevice impostor = device(new FirmwareBehaviour().pullOnly().supportingProtocols(1)
                    .withCoapsPsk("lamp", "not-the-secret!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .withPullTimeout(Duration.ofSeconds(2)));

            assertThat(send(device, new WriteRequest(5, 0, 1, uri)).isSuccess()).isTrue();
            assertThat(send(impostor, new WriteRequest(5, 0, 1, uri)).isSuccess()).isTrue();

            await().atMost(WAIT).until(() -> device.firmware().state() == FirmwareUpdateObject.DOWNLOADED);
            assertThat(device.firmware().bytesReceived()).isEqualTo(image.length);
            await().atMost(WAIT).until(() -> impostor.firmware().state() == FirmwareUpdateObject.IDLE);
            assertThat(impostor.firmware().updateResult()).isEqualTo(4);
            assertThat(impostor.firmware().packagesReceived()).isZero();
        } finally {
            secure.destroy();
        }
    }

    @Test
    void an_http_only_device_downloads_over_http_and_refuses_coap() throws Exception {
        TestDevice device = device(new FirmwareBehaviour().pullOnly().httpOnly());
        assertThat(send(device, new WriteRequest(5, 0, 1, serve("coap-image", TestFirmwareImages.valid("6", 500))))
                .isSuccess()).isTrue();
        await().atMost(WAIT).until(() -> device.firmware().state() == FirmwareUpdateObject.IDLE
                && device.firmware().updateResult() == 9);
    }

    @Test
    void update_outside_downloaded_and_the_wrong_delivery_method_are_method_not_allowed() throws Exception {
        TestDevice pullOnly = device(new FirmwareBehaviour().pullOnly());
        assertThat(send(pullOnly, new ExecuteRequest("/5/0/2")).getCode().getName()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(push(pullOnly, TestFirmwareImages.valid("7", 500)).getCode().getName())
                .isEqualTo("METHOD_NOT_ALLOWED");
        TestDevice pushOnly = device(new FirmwareBehaviour().pushOnly());
        assertThat(send(pushOnly, new WriteRequest(5, 0, 1, serve("p", TestFirmwareImages.valid("7", 500))))
                .getCode().getName()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(readLong(pushOnly, 9)).isEqualTo(1);
        assertThat(readLong(pullOnly, 9)).isZero();
        assertThat(pushOnly.firmware().stateHistory()).containsExactly(0);
    }

    @Test
    void a_failing_installation_goes_back_to_downloaded_with_result_8_and_no_reboot() throws Exception {
        TestDevice device = device(new FirmwareBehaviour().failingUpdate().updatingFor(Duration.ofMillis(100)));
        observeStateAndResult(device);
        assertThat(push(device, TestFirmwareImages.valid("8.0.0", 5000)).isSuccess()).isTrue();

        assertThat(send(device, new ExecuteRequest("/5/0/2")).isSuccess()).isTrue();

        await().atMost(WAIT).untilAsserted(() -> assertThat(states(device)).containsExactly(0L, 1L, 2L, 3L, 2L));
        assertThat(readLong(device, 5)).isEqualTo(8);
        assertThat(device.firmwareVersion()).isEqualTo("1.0.0");
        assertThat(registrations.get(device.endpoint()).get()).isEqualTo(1);
    }

    @Test
    void a_device_refusing_observe_answers_method_not_allowed_but_can_be_read() throws Exception {
        TestDevice device = device(new FirmwareBehaviour().refusingObserve());
        assertThat(send(device, new ObserveRequest(5, 0, 3)).getCode().getName()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(send(device, new ObserveRequest(5, 0, 5)).getCode().getName()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(readLong(device, 3)).isZero();
        assertThat(readLong(device, 5)).isZero();
    }
}
