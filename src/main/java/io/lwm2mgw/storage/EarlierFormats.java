package io.lwm2mgw.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.firmware.CampaignSpec;

/**
 * Reads what an earlier version of the gateway stored before the stores had formats of their own: the
 * contract's documents of that time. The stores read such a record once, at start, and write it back in
 * their own format, so that an upgrade loses no queued command and no campaign. Implemented where the
 * contract's codecs live; each method throws IllegalArgumentException for a record it cannot read.
 */
public interface EarlierFormats {

    /**
     * A queued command as stored until the stores had formats of their own:
     * {@code {"receivedAt", "replyTo": {"topic", "correlationData"}, "command": <the command document>}}.
     */
    CommandRequest command(JsonNode record);

    /** A campaign's start as stored until then: the contract's campaign document. */
    CampaignSpec campaign(JsonNode document);

    /** For stores that have never been written by an earlier version (tests). */
    EarlierFormats NONE = new EarlierFormats() {
        @Override
        public CommandRequest command(JsonNode record) {
            throw new IllegalArgumentException("not in the stored format (no 'v')");
        }

        @Override
        public CampaignSpec campaign(JsonNode document) {
            throw new IllegalArgumentException("not in the stored format (no 'v')");
        }
    };

    /** Whether a stored document is in a store's own, versioned format. */
    static boolean versioned(JsonNode doc) {
        return doc != null && doc.has("v");
    }
}
