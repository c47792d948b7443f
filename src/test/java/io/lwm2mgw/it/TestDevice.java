package io.lwm2mgw.it;

import io.lwm2mgw.it.TestDeviceInstances.DeviceInstance;
import io.lwm2mgw.it.TestDeviceInstances.LightInstance;
import io.lwm2mgw.it.TestDeviceInstances.MysteryInstance;
import io.lwm2mgw.it.TestDeviceInstances.TemperatureInstance;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.client.servers.ServerInfo;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientEndpointFactory;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coaps.CoapsClientProtocolProvider;
import static org.awaitility.Awaitility.await;


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
}
