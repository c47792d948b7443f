package io.lwm2mgw.southbound.lwm2m;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.core.observe.Observation;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.util.StringUtil;
import org.eclipse.leshan.transport.californium.server.observation.EndpointContextSerDes;
import org.eclipse.leshan.transport.californium.server.observation.ObservationSerDes;

/**
 * Reads back the observations Leshan's Californium endpoints keep serialized in the registration store, with
 * one shared Jackson mapper. Californium looks an observation up for every incoming notification, and Leshan's
 * own {@link ObservationSerDes#deserialize} builds a new {@code ObjectMapper} each time: in the fan-in benchmark
 * (docs/benchmarks.md, S2) that was 18 % of the gateway's CPU. The stored format is unchanged (Leshan writes it,
 * and {@link RegistrationCodec} persists it as is), so only the reading side is ours.
 */
final class SharedMapperObservationSerDes extends ObservationSerDes {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final UdpDataParser parser = new UdpDataParser();

    SharedMapperObservationSerDes() {
        super(new UdpDataParser(), new UdpDataSerializer());
    }

    @Override
    public Observation deserialize(String data) {
        JsonNode stored;
        try {
            stored = MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored observation is not JSON: " + e.getOriginalMessage(), e);
        }
        EndpointContext peer = EndpointContextSerDes.deserialize(stored.get("peer"));
        Request request = (Request) parser.parseMessage(StringUtil.hex2ByteArray(stored.get("request").asText()));
        request.setDestinationContext(peer);
        JsonNode userContext = stored.get("context");
        if (userContext != null) {
            Map<String, String> context = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = userContext.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                context.put(field.getKey(), field.getValue().asText());
            }
            request.setUserContext(context);
        }
        return new Observation(request, peer);
    }
}
