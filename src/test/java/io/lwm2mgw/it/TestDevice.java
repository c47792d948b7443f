package io.lwm2mgw.it;

import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.security.cert.Certificate;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Operations;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;
import org.eclipse.leshan.client.servers.ServerInfo;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coaps.CoapsClientProtocolProvider;

/**
 * A real LwM2M device for the flow tests: a Leshan client (LwM2M 1.1) on its own UDP socket on loopback,
 * with the Device object, a Temperature sensor (3303) and, on request, an object no gateway model knows.
 * Built in prose: {@code TestDevice.givenDevice("lamp-1").withTemperature().registeredAt(port)}.
 */
public final class TestDevice implements AutoCloseable {

    /** An object id outside every registry, with a model only this device knows. */
    public static final int MYSTERY_OBJECT = 32769;

    private final LeshanClient client;
    private final String endpoint;
    private final DeviceInstance device;
    private final TemperatureInstance temperature;
    private final MysteryInstance mystery;
    private final FirmwareUpdateObject firmware;
    private final LightInstance light;
    private final java.util.concurrent.atomic.AtomicInteger registrations = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();

    private TestDevice(LeshanClient client, String endpoint, DeviceInstance device, TemperatureInstance temperature,
            MysteryInstance mystery, FirmwareUpdateObject firmware, LightInstance light) {
        this.firmware = firmware;
        this.light = light;
        this.client = client;
        this.endpoint = endpoint;
        this.device = device;
        this.temperature = temperature;
        this.mystery = mystery;
        client.addObserver(new org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server,
                    org.eclipse.leshan.core.request.RegisterRequest request, String registrationId) {
                registrations.incrementAndGet();
            }

            @Override
            public void onUpdateSuccess(LwM2mServer server, org.eclipse.leshan.core.request.UpdateRequest request) {
                updates.incrementAndGet();
            }
        });
    }

    /** How many Registers the gateway accepted from this device (a device that registers again counts twice). */
    public int registrations() {
        return registrations.get();
    }

    /** How many Updates the gateway accepted from this device. */
    public int updates() {
        return updates.get();
    }

    /** The device's Object 5, when it has one. */
    public FirmwareUpdateObject firmware() {
        return firmware;
    }

    /** The Firmware Version /3/0/3 the device reports now. */
    public String firmwareVersion() {
        return device.firmwareVersion;
    }

    public static Builder givenDevice(String endpoint) {
        return new Builder(endpoint);
    }

    public String endpoint() {
        return endpoint;
    }

    /** Sets the Temperature sensor value (/3303/0/5700) and notifies observers. */
    public void setTemperature(double celsius) {
        temperature.set(celsius);
    }

    /** Sets the battery level (/3/0/9) and notifies observers. */
    public void setBattery(long percent) {
        device.setBattery(percent);
    }

    /** Changes the mystery object's text (/32769/0/0) and notifies observers. */
    public void setMysteryText(String text) {
        mystery.setText(text);
    }

    /** How often Reboot (/3/0/4) was executed, and the arguments of the last execution. */
    public int reboots() {
        return device.reboots.get();
    }

    /** Every value written to the dimmer (/3311/0/5851), in the order the device took them. */
    public List<Long> dimmerWrites() {
        return List.copyOf(light.dimmerWrites);
    }

    public String lastRebootArguments() {
        return device.lastArguments;
    }

    /**
     * Records the current values of these paths, each with the time of this call, for a later
     * {@link #sendCollected()}.
     */
    public void collect(String... paths) {
        sender().collect(server(), paths);
    }

    /**
     * Sends every collected reading in one LwM2M 1.1 Send (SenML CBOR, with timestamps); returns the response
     * code (e.g. {@code CHANGED}) or {@code timeout}. The readings are gone either way.
     */
    public String sendCollected() {
        return sender().send(server(), org.eclipse.leshan.core.request.ContentFormat.SENML_CBOR);
    }

    private CollectingSender sender() {
        return client.getSendService().getDataSender(CollectingSender.NAME, CollectingSender.class);
    }

    /** Sends the current values of these paths in one Send without timestamps; returns the response code. */
    public String send(org.eclipse.leshan.core.request.ContentFormat format, String... paths) {
        try {
            var response = client.getSendService().sendData(server(), format, List.of(paths), 5000);
            return response == null ? "timeout" : response.getCode().getName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private LwM2mServer server() {
        return client.getRegisteredServers().values().iterator().next();
    }

    /** Sends a registration update now. */
    public void update() {
        client.triggerRegistrationUpdate();
    }

    /** De-registers and stops. */
    public void deregister() {
        client.destroy(true);
    }

    /** Stops without de-registering, as a device that loses power: its registration will expire. */
    public void vanish() {
        client.destroy(false);
    }

    public boolean registered() {
        return !client.getRegisteredServers().isEmpty();
    }

    @Override
    public void close() {
        if (firmware != null) {
            firmware.shutdown();
        }
        client.destroy(false);
    }

    /**
     * The object models every test device knows, parsed from their DDF files once per class loader (on first use):
     * parsing them took 10 to 100 ms for each of the few hundred devices a run starts. Leshan's models are immutable.
     */
    private static final class Models {
        static final List<ObjectModel> ALL = load();

        private static List<ObjectModel> load() {
            List<ObjectModel> all = new ArrayList<>(ObjectLoader.loadAllDefault());
            try {
                all.addAll(ObjectLoader.loadDdfResources("/object-models/", new String[] {"3303.xml", "3311.xml"}));
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the 3303 model", e);
            }
            all.add(MysteryInstance.MODEL);
            return List.copyOf(all);
        }
    }

    public static final class Builder {
        private final String endpoint;
        private long lifetime = 300;
        private boolean temperature;
        private boolean mystery;
        private boolean light;
        private boolean queueMode;
        private Integer updatePeriod;
        private FirmwareBehaviour firmware;
        private java.util.function.IntFunction<Security> security;
        private boolean bootstrap;
        private boolean accessControl;

        private Builder(String endpoint) {
            this.endpoint = endpoint;
        }

        public Builder withLifetime(Duration lifetime) {
            this.lifetime = lifetime.toSeconds();
            return this;
        }

        public Builder withTemperature() {
            this.temperature = true;
            return this;
        }

        /** Registers in queue mode (spec 8.3): reachable only for the gateway's awake time after each message. */
        public Builder inQueueMode() {
            this.queueMode = true;
            return this;
        }

        /** Sends an Update every {@code period} (a communication period shorter than the lifetime). */
        public Builder updatingEvery(Duration period) {
            this.updatePeriod = Math.toIntExact(period.toMillis());
            return this;
        }

        /** A streetlight: Light Control (3311) instance 0, writable, and room to create more instances. */
        public Builder withLight() {
            this.light = true;
            return this;
        }

        /** Object 5 with the spec's state machine; a successful update reboots the device with the new version. */
        public Builder withFirmware(FirmwareBehaviour behaviour) {
            this.firmware = behaviour;
            return this;
        }

        public Builder withUnknownObject() {
            this.mystery = true;
            return this;
        }

        /** Registers over CoAPS with a pre-shared key (the port given later is then the CoAPS port). */
        public Builder withPsk(String identity, byte[] key) {
            this.security = port -> Security.psk("coaps://127.0.0.1:" + port, 123,
                    identity.getBytes(java.nio.charset.StandardCharsets.UTF_8), key);
            return this;
        }

        /** Registers over CoAPS with a raw public key (DER keys), trusting the server's raw public key. */
        public Builder withRpk(byte[] publicKey, byte[] privateKey, byte[] serverPublicKey) {
            this.security = port -> Security.rpk("coaps://127.0.0.1:" + port, 123, publicKey, privateKey,
                    serverPublicKey);
            return this;
        }

        /** Registers over CoAPS with an X.509 certificate (DER), trusting exactly the server's certificate. */
        public Builder withX509(byte[] certificate, byte[] privateKey, byte[] serverCertificate) {
            this.security = port -> Security.x509("coaps://127.0.0.1:" + port, 123, certificate, privateKey,
                    serverCertificate);
            return this;
        }

        /**
         * Knows only a bootstrap server, {@code coaps://127.0.0.1:port} with this pre-shared key: the device
         * bootstraps first and then registers wherever it was told to.
         */
        public Builder bootstrappingWithPsk(String identity, byte[] key) {
            this.security = port -> Security.pskBootstrap("coaps://127.0.0.1:" + port,
                    identity.getBytes(java.nio.charset.StandardCharsets.UTF_8), key);
            this.bootstrap = true;
            return this;
        }

        /** Knows only a bootstrap server, {@code coaps://127.0.0.1:port}, reached with a raw public key (DER keys). */
        public Builder bootstrappingWithRpk(byte[] publicKey, byte[] privateKey, byte[] serverPublicKey) {
            this.security = port -> Security.rpkBootstrap("coaps://127.0.0.1:" + port, publicKey, privateKey,
                    serverPublicKey);
            this.bootstrap = true;
            return this;
        }

        /** Knows only a bootstrap server, {@code coaps://127.0.0.1:port}, reached with an X.509 certificate (DER). */
        public Builder bootstrappingWithX509(byte[] certificate, byte[] privateKey, byte[] serverCertificate) {
            this.security = port -> Security.x509Bootstrap("coaps://127.0.0.1:" + port, certificate, privateKey,
                    serverCertificate);
            this.bootstrap = true;
            return this;
        }

        /** Has an Access Control object (2) that a bootstrap server may fill; it starts empty. */
        public Builder withAccessControl() {
            this.accessControl = true;
            return this;
        }

        /** Knows only a bootstrap server, {@code coap://127.0.0.1:port} without security. */
        public Builder bootstrappingWithoutSecurity() {
            this.security = port -> Security.noSecBootstrap("coap://127.0.0.1:" + port);
            this.bootstrap = true;
            return this;
        }

        /** Starts the device against {@code coap://127.0.0.1:port} and waits until it is registered. */
        public TestDevice registeredAt(int port) {
            TestDevice device = startedAt(port);
            await().atMost(Duration.ofSeconds(15)).until(device::registered);
            return device;
        }

        /** Starts the device without waiting for its registration. */
        public TestDevice startedAt(int port) {
            ObjectsInitializer objects = new ObjectsInitializer(new StaticModel(Models.ALL));
            objects.setInstancesForObject(LwM2mId.SECURITY, security != null ? security.apply(port)
                    : Security.noSec("coap://127.0.0.1:" + port, 123));
            if (bootstrap) {
                objects.setClassForObject(LwM2mId.SERVER, Server.class);
            } else {
                objects.setInstancesForObject(LwM2mId.SERVER, new Server(123, lifetime));
            }
            DeviceInstance device = new DeviceInstance();
            objects.setInstancesForObject(LwM2mId.DEVICE, device);
            TemperatureInstance temp = new TemperatureInstance();
            MysteryInstance myst = new MysteryInstance();
            List<Integer> ids = new ArrayList<>(List.of(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE));
            if (temperature) {
                objects.setInstancesForObject(3303, temp);
                ids.add(3303);
            }
            if (mystery) {
                objects.setInstancesForObject(MYSTERY_OBJECT, myst);
                ids.add(MYSTERY_OBJECT);
            }
            LightInstance lamp = new LightInstance(0);
            if (light) {
                objects.setInstancesForObject(3311, lamp);
                ids.add(3311);
            }
            if (accessControl) {
                objects.setClassForObject(LwM2mId.ACCESS_CONTROL, org.eclipse.leshan.client.resource.SimpleInstanceEnabler.class);
                ids.add(LwM2mId.ACCESS_CONTROL);
            }
            LeshanClient[] self = new LeshanClient[1];
            FirmwareUpdateObject fw = null;
            if (firmware != null) {
                fw = new FirmwareUpdateObject(firmware, version -> {
                    device.setFirmwareVersion(version);
                    // a reboot: the device comes back and registers anew with its new firmware
                    self[0].stop(false);
                    self[0].start();
                });
                objects.setInstancesForObject(LwM2mId.FIRMWARE, fw);
                ids.add(LwM2mId.FIRMWARE);
            }
            CaliforniumClientEndpointsProvider.Builder endpoints = new CaliforniumClientEndpointsProvider.Builder(
                    fw == null ? new CoapClientProtocolProvider() : countingBlocks(fw),
                    new CoapsClientProtocolProvider());
            endpoints.setClientAddress(InetAddress.getLoopbackAddress());
            org.eclipse.californium.elements.config.Configuration dtls = endpoints.createDefaultConfiguration();
            // support DTLS Connection ID: the gateway gives one, so a changed source port keeps the session
            dtls.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
            dtls.set(org.eclipse.californium.core.config.CoapConfig.MAX_RESOURCE_BODY_SIZE, 64 * 1024 * 1024);
            if (firmware != null) {
                firmware.preferredBlockSize.ifPresent(size -> dtls.set(
                        org.eclipse.californium.core.config.CoapConfig.PREFERRED_BLOCK_SIZE, size));
            }
            endpoints.setConfiguration(dtls);
            DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory();
            engine.setRequestTimeoutInMs(2000);
            engine.setRetryWaitingTimeInMs(200);
            engine.setQueueMode(queueMode);
            engine.setCommunicationPeriod(updatePeriod);
            LeshanClient client = new LeshanClientBuilder(endpoint)
                    .setObjects(objects.create(ids.stream().mapToInt(Integer::intValue).toArray()))
                    .setEndpointsProviders(endpoints.build())
                    .setRegistrationEngineFactory(engine)
                    .setDataSenders(new CollectingSender())
                    .build();
            self[0] = client;
            // built first: its observer counts the first Register too
            TestDevice started = new TestDevice(client, endpoint, device, temp, myst, fw, lamp);
            client.start();
            return started;
        }
    }

    /** The CoAP transport with the firmware object's Block1 counter on the device's endpoint. */
    private static CoapClientProtocolProvider countingBlocks(FirmwareUpdateObject firmware) {
        return new CoapClientProtocolProvider() {
            @Override
            public CaliforniumClientEndpointFactory createDefaultEndpointFactory() {
                return new CoapClientEndpointFactory() {
                    @Override
                    public CoapEndpoint createCoapEndpoint(InetAddress clientAddress, Configuration defaultConfiguration,
                            ServerInfo serverInfo, boolean clientInitiatedOnly, List<Certificate> trustStore,
                            ClientEndpointToolbox toolbox) {
                        CoapEndpoint endpoint = super.createCoapEndpoint(clientAddress, defaultConfiguration,
                                serverInfo, clientInitiatedOnly, trustStore, toolbox);
                        endpoint.addInterceptor(firmware.blockCounter());
                        endpoint.addInterceptor(firmware.overlapCounter());
                        return endpoint;
                    }

                    @Override
                    protected CoapEndpoint.Builder createEndpointBuilder(java.net.InetSocketAddress address,
                            ServerInfo serverInfo, Configuration configuration, ClientEndpointToolbox toolbox) {
                        return super.createEndpointBuilder(address, serverInfo, configuration, toolbox)
                                .setCoapStackFactory(PackageBlockGate.stack(firmware));
                    }
                };
            }
        };
    }

    /** Object 3: the resources a real device reports, battery level settable by the test. */
    public static final class DeviceInstance extends BaseInstanceEnabler {
        private volatile long battery = 100;
        private volatile String utcOffset = "+01:00";
        private volatile String firmwareVersion = "1.0.0";
        final java.util.concurrent.atomic.AtomicInteger reboots = new java.util.concurrent.atomic.AtomicInteger();
        volatile String lastArguments = "";

        public DeviceInstance() {
            super(0);
        }

        void setFirmwareVersion(String version) {
            firmwareVersion = version;
        }

        void setBattery(long percent) {
            battery = percent;
            fireResourceChange(9);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 0: return ReadResponse.success(resourceId, "Open Mobile Alliance");
                case 1: return ReadResponse.success(resourceId, "Lightweight M2M Client");
                case 2: return ReadResponse.success(resourceId, "345000123");
                case 3: return ReadResponse.success(resourceId, firmwareVersion);
                case 9: return ReadResponse.success(resourceId, battery);
                case 11: return ReadResponse.success(resourceId, Map.of(0, 0L), Type.INTEGER);
                case 13: return ReadResponse.success(resourceId, new Date(1_700_000_000_000L));
                case 14: return ReadResponse.success(resourceId, utcOffset);
                case 16: return ReadResponse.success(resourceId, "U");
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public org.eclipse.leshan.core.response.WriteResponse write(LwM2mServer server, boolean replace,
                int resourceId, org.eclipse.leshan.core.node.LwM2mResource value) {
            if (resourceId == 14) {
                utcOffset = (String) value.getValue();
                fireResourceChange(14);
                return org.eclipse.leshan.core.response.WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        @Override
        public org.eclipse.leshan.core.response.ExecuteResponse execute(LwM2mServer server, int resourceId,
                org.eclipse.leshan.core.request.argument.Arguments arguments) {
            if (resourceId == 4) {
                reboots.incrementAndGet();
                lastArguments = arguments == null ? "" : arguments.toString();
                return org.eclipse.leshan.core.response.ExecuteResponse.success();
            }
            return super.execute(server, resourceId, arguments);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 4, 9, 11, 13, 14, 16);
        }
    }

    /** Object 3303 (IPSO Temperature). */
    public static final class TemperatureInstance extends BaseInstanceEnabler {
        private volatile double value = 20.5;

        public TemperatureInstance() {
            super(0);
        }

        void set(double celsius) {
            value = celsius;
            fireResourceChange(5700);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 5700: return ReadResponse.success(resourceId, value);
                case 5701: return ReadResponse.success(resourceId, "Cel");
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(5700, 5701);
        }
    }

    /** Object 3311 (IPSO Light Control): on/off and dimmer, writable; instances can be created and deleted. */
    public static final class LightInstance extends BaseInstanceEnabler {
        private volatile boolean on;
        private volatile long dimmer = 100;
        final List<Long> dimmerWrites = new java.util.concurrent.CopyOnWriteArrayList<>();

        public LightInstance() {
        }

        public LightInstance(int id) {
            super(id);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 5850: return ReadResponse.success(resourceId, on);
                case 5851: return ReadResponse.success(resourceId, dimmer);
                case 5701: return ReadResponse.success(resourceId, "W");
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public org.eclipse.leshan.core.response.WriteResponse write(LwM2mServer server, boolean replace,
                int resourceId, org.eclipse.leshan.core.node.LwM2mResource value) {
            switch (resourceId) {
                case 5850:
                    on = (Boolean) value.getValue();
                    break;
                case 5851:
                    dimmer = (Long) value.getValue();
                    dimmerWrites.add(dimmer);
                    break;
                default:
                    return super.write(server, replace, resourceId, value);
            }
            fireResourceChange(resourceId);
            return org.eclipse.leshan.core.response.WriteResponse.success();
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(5850, 5851, 5701);
        }
    }

    /** An object no gateway model knows: a string, an integer, a float and an opaque resource. */
    public static final class MysteryInstance extends BaseInstanceEnabler {
        static final ObjectModel MODEL = new ObjectModel(MYSTERY_OBJECT, "Mystery", "test-only object", "1.0",
                false, false,
                new ResourceModel(0, "Text", Operations.R, false, false, Type.STRING, "", "", ""),
                new ResourceModel(1, "Count", Operations.R, false, false, Type.INTEGER, "", "", ""),
                new ResourceModel(2, "Level", Operations.R, false, false, Type.FLOAT, "", "", ""),
                new ResourceModel(3, "Blob", Operations.R, false, false, Type.OPAQUE, "", "", ""));

        private volatile String text = "hello";

        public MysteryInstance() {
            super(0);
        }

        void setText(String value) {
            text = value;
            fireResourceChange(0);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 0: return ReadResponse.success(resourceId, text);
                case 1: return ReadResponse.success(resourceId, 42L);
                case 2: return ReadResponse.success(resourceId, 0.5);
                case 3: return ReadResponse.success(resourceId, new byte[] {1, 2, 3});
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3);
        }
    }
}
