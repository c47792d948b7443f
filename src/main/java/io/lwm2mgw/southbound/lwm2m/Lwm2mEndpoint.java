package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import java.util.function.Consumer;
import io.lwm2mgw.config.Lwm2mConfig;
import io.lwm2mgw.events.DeviceEventBus;
import io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.OptionalInt;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpoint;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.server.queue.StaticClientAwakeTimeProvider;
import org.eclipse.leshan.server.registration.Deregistration;
import org.eclipse.leshan.server.registration.InMemoryRegistrationStore;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationServiceImpl;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpoint;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.jboss.logging.Logger;

/**
 * The LwM2M server devices talk to: Leshan over Californium, CoAP on UDP. Starts before the northbound
 * connections (their buffers take events from the start; a command redelivered by a resumed MQTT session at
 * connect must find the server running) and stops before them (so the last events can still be flushed).
 */
/** The LwM2M server; senders reach its {@link DevicePort} only through the laned port (see app). */
@ApplicationScoped
@jakarta.enterprise.inject.Typed(Lwm2mEndpoint.class)
public class Lwm2mEndpoint implements DevicePort {

    private static final Logger LOG = Logger.getLogger(Lwm2mEndpoint.class);

    private final GatewayConfig config;
    private final StoreHealth storeHealth;
    private final RefusalCounters refusals = new RefusalCounters();
    private final ClusterCounters clusterCounters = new ClusterCounters();
    private final DeviceEventBus bus;
    private volatile LeshanServer server;
    private final FirmwareDownloadResource downloads = new FirmwareDownloadResource();
    private volatile int boundPort = -1;
    private volatile int secureBoundPort = -1;
    private volatile SecureTransport security;
    private volatile CaliforniumServerEndpointsProvider transport;
    private volatile Lwm2mCommandExecutor executor;

    private final io.lwm2mgw.command.DeviceLanes lanes;

    private final Clock clock;
    private final RegistrationSnapshots snapshots;
    private final ProvisionedCredentials provisioned;

    /** {@code snapshots} and {@code provisioned} are the state backend's (see app.StateWiring). */
    public Lwm2mEndpoint(GatewayConfig config, DeviceEventBus bus, io.lwm2mgw.command.DeviceLanes lanes,
            StoreHealth storeHealth, Clock clock, RegistrationSnapshots snapshots, ProvisionedCredentials provisioned) {
        this.clock = clock;
        this.snapshots = snapshots;
        this.provisioned = provisioned;
        this.config = config;
        this.bus = bus;
        this.lanes = lanes;
        this.storeHealth = storeHealth;
    }

    /**
     * Californium starts the endpoints it can bind and only logs the others: a gateway without its CoAP or its
     * CoAPS port must not report ready (the devices of that port would time out against a "healthy" pod).
     */
    private static void refuseUnbound(LeshanServer leshan, org.eclipse.californium.core.CoapServer coapServer) {
        List<String> unbound = coapServer.getEndpoints().stream().filter(e -> !e.isStarted())
                .map(e -> e.getUri().toString()).toList();
        if (!unbound.isEmpty()) {
            leshan.destroy();
            throw new java.io.UncheckedIOException(new java.net.BindException("cannot listen on " + unbound
                    + ": the UDP port is in use by another process or the address is not this host's"));
        }
    }

    public void start() {
        Lwm2mConfig lwm2m = config.lwm2m();
        List<AutoObserveFlow.Rule> rules = AutoObserveFlow.rules(config.observe());
        List<ObjectModel> models = ObjectModels.load(lwm2m.modelsDirectory());

        SecureTransport secure = new SecureTransport(lwm2m, config.cluster(),
                config.state().directory().orElse(lwm2m.stateDirectory().resolve("state")), bus::publish, clock,
                refusals, clusterCounters, provisioned);
        CaliforniumServerEndpointsProvider transport = secure.endpoints().build();
        DurableRegistrationStore registrations = new DurableRegistrationStore(
                new InMemoryRegistrationStore(lwm2m.expiryCheckInterval().toSeconds()),
                snapshots, new com.fasterxml.jackson.databind.ObjectMapper(),
                new RetriedWrites("registrations", storeHealth, config.storage().retryFirstDelay(),
                        config.storage().retryMaxDelay()), config.id());
        registrations.restore();
        LeshanServerBuilder builder = AddressFollowingObservations.builder(secure.authorizer());
        builder.setLinkParser(new LenientLinkParser());
        secure.configure(builder);
        LeshanServer leshan = builder
                .setObjectModelProvider(new VersionedModelProvider(models))
                .setEncoder(new DefaultLwM2mEncoder())
                .setDecoder(new DefaultLwM2mDecoder())
                .setRegistrationStore(registrations)
                .setClientAwakeTimeProvider(new StaticClientAwakeTimeProvider((int) lwm2m.awakeTime().toMillis()))
                .setEndpointsProviders(transport)
                .build();
        var coapServer = transport.getCoapServer();
        secure.attach(coapServer);
        RegistrationLimits limits = new RegistrationLimits(lwm2m.limits(), registrations::size,
                endpoint -> registrations.getRegistrationByEndpoint(endpoint) != null, clock);
        coapServer.setMessageDeliverer(new RegistrationGuard(coapServer.getMessageDeliverer(), limits, refusals,
                lwm2m.security().refusalLogInterval(), clock, registrations::getRegistration, secure.authorizer()));
        coapServer.add(downloads);

        NotificationListener notifications = new NotificationListener(bus::publish, clock);
        AutoObserveFlow autoObserve = new AutoObserveFlow(rules, lwm2m.requestTimeout().toMillis(),
                (reg, success) -> notifications.publishFirst(reg, success.response()),
                lanes);
        autoObserve.attach(leshan);
        DeviceLifecycleListener lifecycle = new DeviceLifecycleListener(bus::publish, autoObserve, clock);
        // restored registrations are live ones: their presence changes are published like any other's
        registrations.getAllRegistrations().forEachRemaining(lifecycle::restored);
        registrations.serveOn(() -> leshan.getEndpoints().stream().map(LwM2mServerEndpoint::getURI).toList(),
                lifecycle::restored);
        registrations.releaseMovedEvery(config.state().redis().ownershipCheckInterval());
        leshan.getRegistrationService().addListener(lifecycle);
        leshan.getPresenceService().addListener(lifecycle);
        leshan.getObservationService().addListener(notifications);
        leshan.getSendService().addListener(new SendDataListener(bus::publish, clock));
        executor = new Lwm2mCommandExecutor(leshan, clock,
                o -> notifications.publishFirst(o.registration(), o.response()));
        secure.onRevoked(endpoint -> endRegistration(leshan, endpoint));
        if (leshan.getEndpoint(Protocol.COAP) instanceof CaliforniumServerEndpoint plain) {
            plain.getCoapEndpoint().addInterceptor(new AddressFollowingObservations.PlainNotifications(registrations,
                    plain::getURI, secure.authorizer()));
        }
        // before serving: a device of the last life must find its session, not start a handshake
        secure.loadConnections();
        leshan.start();
        refuseUnbound(leshan, coapServer);
        server = leshan;
        security = secure;
        this.transport = transport;
        LwM2mServerEndpoint coap = leshan.getEndpoint(Protocol.COAP);
        LwM2mServerEndpoint coaps = leshan.getEndpoint(Protocol.COAPS);
        boundPort = coap == null ? -1 : coap.getURI().getPort();
        secureBoundPort = coaps == null ? -1 : coaps.getURI().getPort();
        LOG.infof("LwM2M server listening on %s (%d object models, %d auto-observe rules)",
                leshan.getEndpoints().stream().map(e -> e.getURI().toString()).toList(), models.size(),
                rules.size());
    }

    public void stop() {
        LeshanServer s = server;
        if (s != null) {
            downloads.revokeAll();
            s.stop();
            // a stopped connector's sessions, for the next life (destroy clears them)
            SecureTransport stopping = security;
            if (stopping != null) {
                stopping.saveConnections();
            }
            s.destroy();
            server = null;
            boundPort = -1;
            secureBoundPort = -1;
        }
        SecureTransport secure = security;
        if (secure != null) {
            secure.close();
            security = null;
        }
    }

    @Override
    public void execute(CommandRequest request, Consumer<CommandResult> done) {
        Lwm2mCommandExecutor e = executor;
        if (e == null || server == null) {
            done.accept(CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                    "the LwM2M server is not running"));
            return;
        }
        e.execute(request, done);
    }

    @Override
    public boolean isRegistered(io.lwm2mgw.domain.device.EndpointName endpoint) {
        LeshanServer s = server;
        return s != null && s.getRegistrationService().getByEndpoint(endpoint.value()) != null;
    }

    @Override
    public boolean isSleeping(io.lwm2mgw.domain.device.EndpointName endpoint) {
        LeshanServer s = server;
        if (s == null) {
            return false;
        }
        var reg = s.getRegistrationService().getByEndpoint(endpoint.value());
        return reg != null && reg.usesQueueMode() && !s.getPresenceService().isClientAwake(reg);
    }

    @Override
    public List<io.lwm2mgw.domain.device.DeviceStatus> registeredStatuses() {
        LeshanServer s = server;
        List<io.lwm2mgw.domain.device.DeviceStatus> statuses = new java.util.ArrayList<>();
        if (s != null) {
            s.getRegistrationService().getAllRegistrations().forEachRemaining(reg -> statuses.add(
                    RegistrationMapper.toStatus(reg, !reg.usesQueueMode() ? io.lwm2mgw.domain.device.DeviceState.REGISTERED
                            : s.getPresenceService().isClientAwake(reg) ? io.lwm2mgw.domain.device.DeviceState.AWAKE
                            : io.lwm2mgw.domain.device.DeviceState.SLEEPING)));
        }
        return statuses;
    }

    /** The running server, or null before start and after stop; for the southbound's firmware transfer. */
    LeshanServer server() {
        return server;
    }

    /** Where pull downloads are served. */
    FirmwareDownloadResource downloads() {
        return downloads;
    }

    /** The UDP port the CoAP endpoint is bound to, once started. */
    public OptionalInt boundPort() {
        int port = boundPort;
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The UDP port the CoAPS (DTLS) endpoint is bound to, once started and when enabled. */
    public OptionalInt secureBoundPort() {
        int port = secureBoundPort;
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /**
     * Every Californium endpoint of the running server (CoAP and CoAPS, as configured), for southbound code that
     * sends or serves CoAP beside Leshan (firmware downloads); empty when stopped.
     */
    public List<org.eclipse.californium.core.network.Endpoint> coapEndpoints() {
        CaliforniumServerEndpointsProvider t = transport;
        return t == null || server == null ? List.of() : List.copyOf(t.getCoapServer().getEndpoints());
    }

    /** Reads the credentials file now instead of at its next poll. */
    /**
     * A device whose credentials were replaced or removed loses the registration it made with them (one made
     * over DTLS): its sessions are gone and it must register again with what it now holds. Published as
     * {@code deregistered}, like a De-register, so applications do not wait for the lifetime to run out.
     */
    private static void endRegistration(LeshanServer leshan, String endpoint) {
        Registration registration = leshan.getRegistrationService().getByEndpoint(endpoint);
        if (registration == null || registration.getClientTransportData().getIdentity() == null
                || !registration.getClientTransportData().getIdentity().isSecure()
                || !(leshan.getRegistrationService() instanceof RegistrationServiceImpl service)) {
            return;
        }
        Deregistration ended = service.getStore().removeRegistration(registration.getId());
        if (ended != null) {
            LOG.infof("ended the registration of %s: its credentials were replaced or removed", endpoint);
            service.fireUnregistered(ended.getRegistration(), ended.getObservations(), null);
        }
    }

    @Override
    public CommandResult changeCredentials(CommandRequest request) {
        SecureTransport secure = security;
        if (secure == null) {
            return CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                    "the LwM2M endpoint is not running");
        }
        return secure.changeCredentials(request);
    }

    public void reloadCredentials() {
        SecureTransport secure = security;
        if (secure != null) {
            secure.watcher().ifPresent(w -> w.poll());
        }
    }

    /** Number of devices currently registered. */
    /** What the southbound refused or suppressed since start, for the metrics. */
    public RefusalCounters refusals() {
        return refusals;
    }

    /** DTLS records that crossed between cluster replicas since start, for the metrics. */
    public ClusterCounters clusterCounters() {
        return clusterCounters;
    }

    public int registeredDevices() {
        LeshanServer s = server;
        if (s == null) {
            return 0;
        }
        int[] count = {0};
        s.getRegistrationService().getAllRegistrations().forEachRemaining(r -> count[0]++);
        return count[0]; // a scan, for the health check and metrics; the Register cap reads the store's count
    }
}
