package io.lwm2mgw.southbound.lwm2m;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.eclipse.leshan.core.LwM2m;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.link.LinkParseException;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.SocketIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.util.Hex;
import org.eclipse.leshan.server.registration.Registration;

/**
 * One registration and its observations as a JSON snapshot, and back. Keeps every field Leshan's
 * {@link Registration} carries, and an observation's protocol data (the CoAP request Californium needs to
 * match notifications by token). The device's identity is kept for plain CoAP, PSK (its identity), RPK (its
 * public key) and X.509 (its certificate's CN); registrations over OSCORE are not kept, so such a device
 * registers again after a restart.
 */
final class RegistrationCodec {

    private static final int FORMAT = 1;

    private final ObjectMapper mapper;

    RegistrationCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A registration with its observations. */
    record Snapshot(Registration registration, List<Observation> observations) {
    }

    /** The snapshot, or empty for a registration whose identity is not kept (see the class comment). */
    Optional<byte[]> encode(Registration registration, Collection<Observation> observations, String owner) {
        ObjectNode identity = identity(registration.getClientTransportData());
        if (identity == null) {
            return Optional.empty();
        }
        // the backend keeps the owner beside the snapshot, where it changes on a take-over; this copy is informative
        ObjectNode root = mapper.createObjectNode().put("format", FORMAT).put("owner", owner);
        ObjectNode reg = root.putObject("registration");
        reg.put("id", registration.getId()).put("endpoint", registration.getEndpoint());
        reg.set("identity", identity);
        reg.set("endpointUri", uri(registration.getEndpointUri()));
        reg.put("registrationDate", registration.getRegistrationDate().getTime())
                .put("lastUpdate", registration.getLastUpdate().getTime())
                .put("lifetime", registration.getLifeTimeInSec())
                .put("smsNumber", registration.getSmsNumber())
                .put("lwm2mVersion", registration.getLwM2mVersion().toString())
                .put("queueMode", registration.getQueueMode())
                .put("rootPath", registration.getRootPath())
                .put("objectLinks", new DefaultLinkSerializer().serializeCoreLinkFormat(registration.getObjectLinks()));
        ArrayNode binding = reg.putArray("binding");
        registration.getBindingMode().forEach(b -> binding.add(b.name()));
        ArrayNode formats = reg.putArray("contentFormats");
        registration.getSupportedContentFormats().forEach(f -> formats.add(f.getCode()));
        ObjectNode objects = reg.putObject("supportedObjects");
        registration.getSupportedObject().forEach((id, version) -> objects.put(String.valueOf(id), version.toString()));
        ArrayNode instances = reg.putArray("availableInstances");
        registration.getAvailableInstances().forEach(p -> instances.add(p.toString()));
        reg.set("attributes", mapper.valueToTree(registration.getAdditionalRegistrationAttributes()));
        reg.set("customData", mapper.valueToTree(registration.getCustomRegistrationData()));
        ArrayNode list = root.putArray("observations");
        for (Observation observation : observations) {
            list.add(observation(observation));
        }
        try {
            return Optional.of(mapper.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new IllegalStateException("a registration snapshot did not encode", e);
        }
    }

    Snapshot decode(byte[] snapshot) throws IOException {
        return decode(snapshot, UnaryOperator.identity());
    }

    /**
     * Decodes with every server endpoint URI (the registration's and its observations') passed through
     * {@code endpoint}: a gateway taking over another's registration serves it on its own endpoint.
     */
    Snapshot decode(byte[] snapshot, UnaryOperator<EndpointUri> endpoint) throws IOException {
        JsonNode root = mapper.readTree(snapshot);
        if (root.path("format").asInt() != FORMAT) {
            throw new IOException("unknown snapshot format " + root.path("format"));
        }
        JsonNode reg = root.path("registration");
        JsonNode identity = reg.path("identity");
        InetSocketAddress address = new InetSocketAddress(
                InetAddress.getByName(identity.path("address").asText()), identity.path("port").asInt());
        LwM2mIdentity id = identity(identity, address);
        LwM2mPeer peer = new IpPeer(address, id);
        Registration.Builder builder = new Registration.Builder(reg.path("id").asText(), reg.path("endpoint").asText(),
                peer, endpoint.apply(uri(reg.path("endpointUri"))));
        EnumSet<BindingMode> binding = EnumSet.noneOf(BindingMode.class);
        reg.path("binding").forEach(b -> binding.add(BindingMode.valueOf(b.asText())));
        Set<ContentFormat> formats = new HashSet<>();
        reg.path("contentFormats").forEach(f -> formats.add(ContentFormat.fromCode(f.asInt())));
        Map<Integer, LwM2m.Version> objects = new HashMap<>();
        reg.path("supportedObjects").fields().forEachRemaining(
                e -> objects.put(Integer.valueOf(e.getKey()), new LwM2m.Version(e.getValue().asText())));
        Set<LwM2mPath> instances = new HashSet<>();
        reg.path("availableInstances").forEach(p -> instances.add(new LwM2mPath(p.asText())));
        try {
            builder.objectLinks(new LenientLinkParser().parseCoreLinkFormat(
                    reg.path("objectLinks").asText().getBytes(StandardCharsets.UTF_8)));
        } catch (LinkParseException e) {
            throw new IOException("the stored object links do not parse: " + e.getMessage(), e);
        }
        builder.registrationDate(new Date(reg.path("registrationDate").asLong()))
                .lastUpdate(new Date(reg.path("lastUpdate").asLong()))
                .lifeTimeInSec(reg.path("lifetime").asLong())
                .smsNumber(reg.path("smsNumber").isNull() ? null : reg.path("smsNumber").asText(null))
                .lwM2mVersion(LwM2m.LwM2mVersion.get(reg.path("lwm2mVersion").asText()))
                .queueMode(reg.path("queueMode").asBoolean())
                .rootPath(reg.path("rootPath").asText(null))
                .bindingMode(binding)
                .supportedContentFormats(formats)
                .supportedObjects(objects)
                .availableInstances(instances)
                .additionalRegistrationAttributes(strings(reg.path("attributes")))
                .customRegistrationData(strings(reg.path("customData")));
        List<Observation> observations = new ArrayList<>();
        for (JsonNode o : root.path("observations")) {
            observations.add(observation(o, reg.path("id").asText(), endpoint));
        }
        return new Snapshot(builder.build(), observations);
    }

    private static LwM2mIdentity identity(JsonNode identity, InetSocketAddress address) throws IOException {
        switch (identity.path("type").asText()) {
            case "psk":
                return new PskIdentity(identity.path("psk").asText());
            case "rpk":
                try {
                    return new RpkIdentity(KeyFactory.getInstance(identity.path("algorithm").asText())
                            .generatePublic(new X509EncodedKeySpec(
                                    Base64.getDecoder().decode(identity.path("publicKey").asText()))));
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    throw new IOException("unreadable public key: " + e.getMessage(), e);
                }
            case "x509":
                return new X509Identity(identity.path("cn").asText());
            default:
                return new SocketIdentity(address);
        }
    }

    private ObjectNode identity(LwM2mPeer peer) {
        if (!(peer instanceof IpPeer ip) || ip.getSocketAddress() == null) {
            return null;
        }
        ObjectNode node = mapper.createObjectNode()
                .put("address", ip.getSocketAddress().getAddress().getHostAddress())
                .put("port", ip.getSocketAddress().getPort());
        if (ip.getIdentity() instanceof PskIdentity psk) {
            return node.put("type", "psk").put("psk", psk.getPskIdentity());
        }
        if (ip.getIdentity() instanceof RpkIdentity rpk) {
            return node.put("type", "rpk").put("algorithm", rpk.getPublicKey().getAlgorithm())
                    .put("publicKey", Base64.getEncoder().encodeToString(rpk.getPublicKey().getEncoded()));
        }
        if (ip.getIdentity() instanceof X509Identity x509) {
            return node.put("type", "x509").put("cn", x509.getX509CommonName());
        }
        if (ip.getIdentity() == null || ip.getIdentity() instanceof SocketIdentity) {
            return node.put("type", "socket");
        }
        return null;
    }

    private ObjectNode observation(Observation observation) {
        ObjectNode node = mapper.createObjectNode()
                .put("token", Hex.encodeHexString(observation.getId().getBytes()));
        node.set("endpointUri", uri(observation.getId().getEndpointUri()));
        node.set("context", mapper.valueToTree(observation.getContext()));
        node.set("protocolData", mapper.valueToTree(observation.getProtocolData()));
        if (observation instanceof SingleObservation single) {
            node.put("type", "single").put("path", single.getPath().toString());
            if (single.getContentFormat() != null) {
                node.put("contentFormat", single.getContentFormat().getCode());
            }
        } else if (observation instanceof CompositeObservation composite) {
            node.put("type", "composite");
            ArrayNode paths = node.putArray("paths");
            composite.getPaths().forEach(p -> paths.add(p.toString()));
            node.put("requestContentFormat", composite.getRequestContentFormat().getCode())
                    .put("responseContentFormat", composite.getResponseContentFormat().getCode());
        }
        return node;
    }

    private Observation observation(JsonNode node, String registrationId, UnaryOperator<EndpointUri> endpoint) {
        ObservationIdentifier id = new ObservationIdentifier(endpoint.apply(uri(node.path("endpointUri"))),
                Hex.decodeHex(node.path("token").asText().toCharArray()));
        Map<String, String> context = strings(node.path("context"));
        Map<String, String> protocolData = strings(node.path("protocolData"));
        if (node.path("type").asText().equals("composite")) {
            List<LwM2mPath> paths = new ArrayList<>();
            node.path("paths").forEach(p -> paths.add(new LwM2mPath(p.asText())));
            return new CompositeObservation(id, registrationId, paths,
                    ContentFormat.fromCode(node.path("requestContentFormat").asInt()),
                    ContentFormat.fromCode(node.path("responseContentFormat").asInt()), context, protocolData);
        }
        ContentFormat format = node.has("contentFormat") ? ContentFormat.fromCode(node.get("contentFormat").asInt()) : null;
        return new SingleObservation(id, registrationId, new LwM2mPath(node.path("path").asText()), format, context,
                protocolData);
    }

    private ObjectNode uri(EndpointUri uri) {
        return mapper.createObjectNode().put("scheme", uri.getScheme()).put("host", uri.getHost())
                .put("port", uri.getPort());
    }

    private static EndpointUri uri(JsonNode node) {
        return new EndpointUri(node.path("scheme").asText(), node.path("host").asText(), node.path("port").asInt());
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }
}
