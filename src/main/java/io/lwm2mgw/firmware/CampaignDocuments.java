package io.lwm2mgw.firmware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.StoredCampaigns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored campaign as one JSON document, {@code {"spec": <stored spec>, "state", "devices": {ep: state}}}, and
 * back: the format of every campaign store, independent of the wire's campaign documents.
 */
public final class CampaignDocuments {

    /** A document read back, and whether its spec was in an earlier version's format (to be stored anew). */
    public record Read(CampaignStore.Stored stored, boolean earlierFormat) { }

    private CampaignDocuments() {
    }

    public static byte[] encode(ObjectMapper mapper, CampaignSpec spec, CampaignStatus.State state,
            Map<EndpointName, CampaignStatus.DeviceState> devices) {
        ObjectNode doc = mapper.createObjectNode();
        doc.set("spec", StoredCampaigns.write(spec));
        doc.put("state", state.name());
        ObjectNode states = doc.putObject("devices");
        devices.forEach((ep, s) -> states.put(ep.value(), s.name()));
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store campaign " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /** Reads a document; IOException or a RuntimeException naming the problem when it is not one. */
    public static Read decode(ObjectMapper mapper, byte[] content, EarlierFormats earlier) throws IOException {
        JsonNode doc = mapper.readTree(content);
        JsonNode specDoc = doc.get("spec");
        boolean current = EarlierFormats.versioned(specDoc);
        CampaignSpec spec = current ? StoredCampaigns.read(specDoc) : earlier.campaign(specDoc);
        Map<EndpointName, CampaignStatus.DeviceState> devices = new LinkedHashMap<>();
        doc.get("devices").fields().forEachRemaining(e -> devices.put(EndpointName.of(e.getKey()),
                CampaignStatus.DeviceState.valueOf(e.getValue().asText())));
        CampaignStatus.State state = CampaignStatus.State.valueOf(doc.get("state").asText());
        return new Read(new CampaignStore.Stored(spec, state, devices), !current);
    }
}
