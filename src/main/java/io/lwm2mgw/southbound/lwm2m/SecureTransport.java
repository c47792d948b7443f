package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.ClusterConfig;
import io.lwm2mgw.config.Lwm2mConfig;
import io.lwm2mgw.config.SecurityConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.southbound.lwm2m.security.BootstrapServer;
import io.lwm2mgw.southbound.lwm2m.security.CredentialProvisioning;
import io.lwm2mgw.southbound.lwm2m.security.CredentialStore;
import io.lwm2mgw.southbound.lwm2m.security.CredentialsFileWatcher;
import io.lwm2mgw.southbound.lwm2m.security.EndpointAuthorizer;
import io.lwm2mgw.southbound.lwm2m.security.GatewayIdentity;
import io.lwm2mgw.southbound.lwm2m.security.KeyFiles;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters;
import io.lwm2mgw.southbound.lwm2m.cluster.DtlsCluster;
import io.lwm2mgw.southbound.lwm2m.cluster.SavedConnections;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerProtocolProvider;

/**
 * Everything device security adds to the Leshan server: the CoAP and CoAPS endpoints as configured, DTLS
 * settings, the gateway's own keys, the credential store (kept in step with its file), the authorizer that binds
 * identities to endpoint names, and the bootstrap resource. {@link Lwm2mEndpoint} calls it at each step of
 * building the server and closes it on stop.
 */
final class SecureTransport implements AutoCloseable {

    private final Lwm2mConfig lwm2m;
    private final RefusalCounters refusals;
    private final SecurityConfig security;
    private final Consumer<DeviceEvent> events;
    private final Clock clock;
    private final CredentialStore store = new CredentialStore();
    private final EndpointAuthorizer authorizer;
    private final CredentialProvisioning provisioning;
    private CredentialsFileWatcher watcher;
    private ExecutorService bootstrapFlows;

    private final ProvisionedCredentials provisioned;
    private final Optional<DtlsCluster> cluster;
    private final ClusterCounters clusterCounters;
    private final Optional<SavedConnections> saved;
    private volatile DTLSConnector connector;

    /**
     * @param provisioned  the credentials applications provision, used when provisioning is enabled
     * @param cluster      the cluster settings; with a node id the CoAPS endpoint forwards records between replicas
     * @param stateFolder  where the DTLS connections are saved on stop and loaded at start
     */
    SecureTransport(Lwm2mConfig lwm2m, ClusterConfig cluster, Path stateFolder, Consumer<DeviceEvent> events,
            Clock clock, RefusalCounters refusals, ClusterCounters clusterCounters,
            ProvisionedCredentials provisioned) {
        this.provisioned = provisioned;
        this.clusterCounters = clusterCounters;
        boolean coaps = lwm2m.security().coapsEnabled();
        this.cluster = coaps && cluster.nodeId().isPresent() ? Optional.of(new DtlsCluster(cluster)) : Optional.empty();
        SecurityConfig.DtlsConfig dtls = lwm2m.security().dtls();
        this.saved = coaps && dtls.saveConnections()
                ? Optional.of(new SavedConnections(stateFolder.resolve("dtls-connections.bin"),
                        this.cluster.map(c -> DtlsCluster.key(cluster)), cluster.nodeId(), dtls.savedMaxAge(), clock))
                : Optional.empty();
        this.lwm2m = lwm2m;
        this.refusals = refusals;
        this.security = lwm2m.security();
        this.events = events;
        this.clock = clock;
        this.authorizer = new EndpointAuthorizer(store, events, clock, security.refusalLogInterval(),
                "refuse".equals(security.nosecAddressChange()), refusals.eventsSuppressed);
        this.provisioning = new CredentialProvisioning(store, clock);
    }

    /** The authorizer of registrations (identities, endpoint names, address changes of plain devices). */
    EndpointAuthorizer authorizer() {
        return authorizer;
    }

    /** The endpoints builder with CoAP and, when enabled, CoAPS, on our Californium configuration. */
    CaliforniumServerEndpointsProvider.Builder endpoints() {
        CaliforniumServerEndpointsProvider.Builder endpoints = security.coapsEnabled()
                ? new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider(),
                        new CoapsServerProtocolProvider())
                : new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider());
        Configuration californium = endpoints.createDefaultConfiguration();
        CaliforniumConfigMapper.apply(lwm2m.coap(), californium);
        if (!"refuse".equals(security.nosecAddressChange())) {
            // a plain device's notification from a new address (NAT, the balancer's new session) is its own: the
            // registration follows it (AddressFollowingObservations). Leshan matches CoAPS by DTLS identity anyway
            californium.set(CoapConfig.RESPONSE_MATCHING, CoapConfig.MatcherMode.RELAXED);
        }
        if (security.coapsEnabled()) {
            CaliforniumConfigMapper.applyDtls(security.dtls(), lwm2m.coap(), californium);
            cluster.ifPresent(c -> CaliforniumConfigMapper.applyClusterNode(c.node(), californium));
        }
        endpoints.setConfiguration(californium);
        if (security.nosecEnabled()) {
            endpoints.addEndpoint(EndpointFactories.coap(new InetSocketAddress(lwm2m.host(), lwm2m.port()), lwm2m,
                    californium));
        }
        if (security.coapsEnabled()) {
            endpoints.addEndpoint(EndpointFactories.coaps(new InetSocketAddress(lwm2m.host(), security.coapsPort()),
                    security.refusalLogInterval(), lwm2m, californium, refusals, cluster, clusterCounters,
                    made -> connector = made));
        }
        return endpoints;
    }

    /** Loads the credentials (failing start-up on a bad file) and gives Leshan the store, authorizer and keys. */
    void configure(LeshanServerBuilder builder) {
        if (security.provisioning().enabled()) {
            store.enableProvisioning(provisioned);
        }
        security.credentialsFile().ifPresent(file ->
                watcher = CredentialsFileWatcher.start(file, store, security.reloadInterval()));
        builder.setSecurityStore(store);
        builder.setAuthorizer(authorizer);
        security.serverPrivateKey().map(KeyFiles::privateKey).ifPresent(builder::setPrivateKey);
        security.serverPublicKey().map(KeyFiles::publicKey).ifPresent(builder::setPublicKey);
        security.serverCertificateChain().map(KeyFiles::certificates).ifPresent(builder::setCertificateChain);
        security.trustedCertificates().map(KeyFiles::certificates).ifPresent(builder::setTrustedCertificates);
    }

    /** Adds the bootstrap resource when enabled; call once the server is built, before it starts. */
    void attach(CoapServer coapServer) {
        if (security.bootstrap().enabled()) {
            bootstrapFlows = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "bootstrap-flow");
                t.setDaemon(true);
                return t;
            });
            GatewayIdentity gateway = GatewayIdentity.of(security.serverPublicKey().map(KeyFiles::publicKey),
                    security.serverCertificateChain().map(KeyFiles::certificates));
            coapServer.add(new BootstrapServer(store, authorizer, events, clock, security.bootstrap().requestTimeout(),
                    bootstrapFlows, gateway));
        }
    }

    /**
     * Tells {@code revoked} the endpoint of every device whose credentials were replaced or removed (in the
     * file or by provisioning), after Leshan has dropped the DTLS sessions made with them.
     */
    void onRevoked(java.util.function.Consumer<String> revoked) {
        store.addListener(new org.eclipse.leshan.servers.security.SecurityStoreListener() {
            @Override
            public void securityInfoRemoved(boolean compromised,
                    org.eclipse.leshan.servers.security.SecurityInfo... infos) {
                for (org.eclipse.leshan.servers.security.SecurityInfo info : infos) {
                    revoked.accept(info.getEndpoint());
                }
            }
        });
    }

    /** Loads the connections the last life saved into the CoAPS connector; call after building, before start. */
    void loadConnections() {
        DTLSConnector c = connector;
        if (c != null) {
            saved.ifPresent(s -> s.load(c));
        }
    }

    /** Saves the CoAPS connector's connections; call once the server stopped, before it is destroyed. */
    void saveConnections() {
        DTLSConnector c = connector;
        if (c != null) {
            saved.ifPresent(s -> s.save(c));
        }
    }

    /** The cluster this gateway is a replica of, when {@code gateway.cluster.node-id} is set. */
    Optional<DtlsCluster> cluster() {
        return cluster;
    }

    /** Answers {@code credentials-put} and {@code credentials-delete}. */
    CommandResult changeCredentials(CommandRequest request) {
        if (!security.provisioning().enabled()) {
            return CommandResult.of(request, clock.instant(), CommandStatus.INVALID,
                    "credential provisioning is off (gateway.lwm2m.security.provisioning.enabled)");
        }
        return provisioning.apply(request);
    }

    /** The credentials file watcher, when a file is configured (tests poll it instead of waiting). */
    Optional<CredentialsFileWatcher> watcher() {
        return Optional.ofNullable(watcher);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (bootstrapFlows != null) {
            bootstrapFlows.shutdownNow();
        }
        cluster.ifPresent(DtlsCluster::close);
    }
}
