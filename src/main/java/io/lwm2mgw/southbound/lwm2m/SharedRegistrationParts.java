package io.lwm2mgw.southbound.lwm2m;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationUpdate;

/**
 * Lets the registrations and observations a fleet holds share what is equal among them. A fleet's devices
 * announce the same few object links, objects, versions and content formats, and every registration and
 * observation names one of the server's few endpoint URIs; Leshan builds a copy of each per registration (the
 * links alone, with their paths and attribute sets, are about 1.3 KB of a device's heap). All of them are
 * immutable, so registrations that announce equal parts can hold one instance: {@link #compact} returns a
 * registration equal to the one given ({@link Registration#equals}) that does.
 *
 * <p>Thread-safe; called on protocol threads, so a look-up is a concurrent map's. Bounded: at most
 * {@link #MAX_SHAPES} distinct values of each kind are kept, then the cache starts over (sharing is an
 * optimisation, never needed for correctness).
 */
final class SharedRegistrationParts {

    /** Distinct values kept per kind; a fleet has a handful of device types, each its own shape. */
    static final int MAX_SHAPES = 1024;

    private final Map<Object, Object> shared = new ConcurrentHashMap<>();

    /** A registration equal to {@code registration} whose immutable parts are shared with equal ones. */
    Registration compact(Registration registration) {
        Registration.Builder builder = new Registration.Builder(registration.getId(), registration.getEndpoint(),
                registration.getClientTransportData(), share(registration.getEndpointUri()))
                .registrationDate(registration.getRegistrationDate())
                .lastUpdate(registration.getLastUpdate())
                .lifeTimeInSec(registration.getLifeTimeInSec())
                .smsNumber(registration.getSmsNumber())
                .bindingMode(share(registration.getBindingMode()))
                .queueMode(registration.getQueueMode())
                .lwM2mVersion(registration.getLwM2mVersion())
                .objectLinks(links(registration.getObjectLinks()))
                .rootPath(share(registration.getRootPath()))
                .supportedContentFormats(share(registration.getSupportedContentFormats()))
                .supportedObjects(share(registration.getSupportedObject()))
                .availableInstances(share(registration.getAvailableInstances()))
                .additionalRegistrationAttributes(share(registration.getAdditionalRegistrationAttributes()))
                .customRegistrationData(share(registration.getCustomRegistrationData()));
        return new SharingRegistration(builder);
    }

    /**
     * An observation equal to {@code observation} that shares its endpoint URI and path and holds its protocol
     * data (Leshan's serialized CoAP observation) without a map of its own; other kinds are returned as they are.
     */
    Observation compact(Observation observation) {
        if (!(observation instanceof SingleObservation single) || observation instanceof CompactObservation) {
            return observation;
        }
        ObservationIdentifier id = observation.getId();
        return new CompactObservation(new ObservationIdentifier(share(id.getEndpointUri()), id.getBytes()),
                observation.getRegistrationId(), share(single.getPath()), single.getContentFormat(),
                observation.getContext(), observation.getProtocolData());
    }

    /** An update whose result is {@link #compact compacted}, so that a registration stays compact when updated. */
    RegistrationUpdate compacting(RegistrationUpdate update) {
        return new RegistrationUpdate(update.getRegistrationId(), update.getClientTransportData(),
                update.getLifeTimeInSec(), update.getSmsNumber(), update.getBindingMode(), update.getObjectLinks(),
                update.getAlternatePath(), update.getSupportedContentFormats(), update.getSupportedObjects(),
                update.getAvailableInstances(), update.getAdditionalAttributes(), update.getApplicationData()) {
            @Override
            public Registration update(Registration registration) {
                return compact(super.update(registration));
            }
        };
    }

    /** Distinct values held now (for tests). */
    int size() {
        return shared.size();
    }

    private Link[] links(Link[] links) {
        return links == null ? null : share(new LinksKey(links), links);
    }

    private <T> T share(T value) {
        return value == null ? null : share(value, value);
    }

    /** The value held under {@code key}, or {@code value} once it is held there. */
    @SuppressWarnings("unchecked")
    private <T> T share(Object key, T value) {
        Object held = shared.get(key);
        if (held != null) {
            return (T) held;
        }
        bound();
        Object raced = shared.putIfAbsent(key, value);
        return raced == null ? value : (T) raced;
    }

    private void bound() {
        if (shared.size() >= MAX_SHAPES * 8) {
            shared.clear();
        }
    }

    /** Arrays compare by identity; links compare by content. */
    private record LinksKey(Link[] links) {
        @Override
        public boolean equals(Object o) {
            return o instanceof LinksKey other && Arrays.equals(links, other.links);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(links);
        }
    }

    /**
     * Leshan's registration built from a builder as it is: {@code Registration.Builder#build()} copies every set
     * and map into a new one, which would undo the sharing. The builder here is filled from a registration
     * {@code build()} made already, so its defaults and immutable collections are in place.
     */
    private static final class SharingRegistration extends Registration {
        SharingRegistration(Builder builder) {
            super(builder);
        }
    }

    /**
     * Leshan's single observation with its protocol data in an immutable map of one entry instead of a copied
     * {@code HashMap}; equality does not involve protocol data, so it is equal to the observation it replaces.
     */
    private static final class CompactObservation extends SingleObservation {
        private final Map<String, String> protocolData;

        CompactObservation(ObservationIdentifier id, String registrationId,
                org.eclipse.leshan.core.node.LwM2mPath path, org.eclipse.leshan.core.request.ContentFormat format,
                Map<String, String> context, Map<String, String> protocolData) {
            super(id, registrationId, path, format, context.isEmpty() ? null : context, null);
            this.protocolData = Map.copyOf(protocolData);
        }

        @Override
        public Map<String, String> getProtocolData() {
            return protocolData;
        }
    }
}
