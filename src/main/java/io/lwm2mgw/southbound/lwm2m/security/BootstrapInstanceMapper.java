package io.lwm2mgw.southbound.lwm2m.security;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.leshan.core.CertificateUsage;
import org.eclipse.leshan.core.SecurityMode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mSingleResource;

/**
 * Turns a {@link BootstrapConfiguration} into the object instances the bootstrap server writes, in order: per
 * server a Security (0) and a Server (1) instance; with {@code acl}, an Access Control (2) instance per Server
 * instance (owned by that server) and one for the Device instance {@code /3/0} (owned by the first server), each
 * giving the servers read, write, execute and delete. Pure: every check happens before the device is touched.
 */
public final class BootstrapInstanceMapper {

    /** Read, write, execute and delete (spec E.3: create applies only to object-level ACLs). */
    static final long FULL_RIGHTS = 15;

    private final GatewayIdentity gateway;

    public BootstrapInstanceMapper(GatewayIdentity gateway) {
        this.gateway = gateway;
    }

    /**
     * The writes for one device, by path; throws {@link IllegalArgumentException} naming what is missing when a
     * server's security mode needs credentials or keys that neither the file nor the gateway have.
     */
    public Map<LwM2mPath, LwM2mObjectInstance> writes(BootstrapConfiguration config, String endpoint,
            Optional<DeviceCredentials> credentials, Optional<ClientKeys> keys) {
        Map<LwM2mPath, LwM2mObjectInstance> writes = new LinkedHashMap<>();
        List<BootstrapConfiguration.ServerEntry> servers = config.servers();
        for (int i = 0; i < servers.size(); i++) {
            BootstrapConfiguration.ServerEntry server = servers.get(i);
            writes.put(new LwM2mPath(0, i), security(i, server, endpoint, credentials, keys));
            writes.put(new LwM2mPath(1, i), server(i, server));
        }
        if (config.acl()) {
            for (int i = 0; i < servers.size(); i++) {
                int ssid = servers.get(i).shortServerId();
                writes.put(new LwM2mPath(2, i), acl(i, 1, i, Map.of(ssid, FULL_RIGHTS), ssid));
            }
            Map<Integer, Long> everyServer = new LinkedHashMap<>();
            servers.forEach(s -> everyServer.put(s.shortServerId(), FULL_RIGHTS));
            writes.put(new LwM2mPath(2, servers.size()),
                    acl(servers.size(), 3, 0, everyServer, servers.get(0).shortServerId()));
        }
        return writes;
    }

    private LwM2mObjectInstance security(int instance, BootstrapConfiguration.ServerEntry server, String endpoint,
            Optional<DeviceCredentials> credentials, Optional<ClientKeys> keys) {
        List<LwM2mResource> resources = new ArrayList<>();
        resources.add(LwM2mSingleResource.newStringResource(0, server.uri()));
        resources.add(LwM2mSingleResource.newBooleanResource(1, false));
        String needs = "server " + server.uri() + " wants " + server.security() + " but ";
        String wants = needs + endpoint;
        switch (server.security()) {
            case "psk": {
                DeviceCredentials psk = credentials.filter(c -> c.pskIdentity().isPresent())
                        .orElseThrow(() -> new IllegalArgumentException(wants + " has no PSK in the credentials file"));
                mode(resources, SecurityMode.PSK, psk.pskIdentity().orElseThrow().getBytes(StandardCharsets.UTF_8),
                        new byte[0], psk.pskKey().orElseThrow());
                break;
            }
            case "rpk": {
                PublicKey own = credentials.flatMap(DeviceCredentials::publicKey).orElseThrow(() ->
                        new IllegalArgumentException(wants + " has no raw public key in the credentials file"));
                ClientKeys secret = keys.filter(k -> k.certificate().isEmpty()).orElseThrow(() ->
                        new IllegalArgumentException(wants + " has no rpk.privateKey in the credentials file"));
                PublicKey serverKey = server.serverPublicKey().or(gateway::publicKey).orElseThrow(() ->
                        new IllegalArgumentException(needs + "the gateway has"
                                + " no public key (server-public-key or server-certificate-chain)"));
                mode(resources, SecurityMode.RPK, own.getEncoded(), serverKey.getEncoded(),
                        secret.privateKey().getEncoded());
                break;
            }
            case "x509": {
                ClientKeys secret = keys.filter(k -> k.certificate().isPresent()).orElseThrow(() ->
                        new IllegalArgumentException(wants + " has no x509.certificate and x509.privateKey in the"
                                + " credentials file"));
                X509Certificate serverCertificate = server.serverCertificate().or(gateway::certificate)
                        .orElseThrow(() -> new IllegalArgumentException(needs
                                + "the gateway has no certificate (server-certificate-chain)"));
                mode(resources, SecurityMode.X509, der(secret.certificate().orElseThrow()), der(serverCertificate),
                        secret.privateKey().getEncoded());
                // the device trusts exactly the server certificate written here (spec E.1, resource 15)
                resources.add(LwM2mSingleResource.newUnsignedIntegerResource(15,
                        CertificateUsage.DOMAIN_ISSUER_CERTIFICATE.code));
                break;
            }
            default:
                mode(resources, SecurityMode.NO_SEC, new byte[0], new byte[0], new byte[0]);
        }
        resources.add(LwM2mSingleResource.newIntegerResource(10, server.shortServerId()));
        return new LwM2mObjectInstance(instance, resources);
    }

    private static void mode(List<LwM2mResource> resources, SecurityMode mode, byte[] identity, byte[] serverKey,
            byte[] secret) {
        resources.add(LwM2mSingleResource.newIntegerResource(2, mode.code));
        resources.add(LwM2mSingleResource.newBinaryResource(3, identity));
        resources.add(LwM2mSingleResource.newBinaryResource(4, serverKey));
        resources.add(LwM2mSingleResource.newBinaryResource(5, secret));
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal()
                    + " cannot be encoded");
        }
    }

    private static LwM2mObjectInstance server(int instance, BootstrapConfiguration.ServerEntry server) {
        return new LwM2mObjectInstance(instance,
                LwM2mSingleResource.newIntegerResource(0, server.shortServerId()),
                LwM2mSingleResource.newIntegerResource(1, server.lifetime()),
                LwM2mSingleResource.newBooleanResource(6, true),
                LwM2mSingleResource.newStringResource(7, server.binding()));
    }

    private static LwM2mObjectInstance acl(int instance, int object, int objectInstance, Map<Integer, Long> rights,
            int owner) {
        return new LwM2mObjectInstance(instance,
                LwM2mSingleResource.newIntegerResource(0, object),
                LwM2mSingleResource.newIntegerResource(1, objectInstance),
                LwM2mMultipleResource.newIntegerResource(2, rights),
                LwM2mSingleResource.newIntegerResource(3, owner));
    }
}
