package io.lwm2mgw.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.northbound.CampaignCodec;
import io.lwm2mgw.northbound.CommandCodec;
import io.lwm2mgw.storage.EarlierFormats;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/** Earlier stored records read through the contract's own codecs, which is what wrote them. */
@Singleton
public class ContractFormats implements EarlierFormats {

    private final ObjectMapper mapper;
    private final CommandCodec commands;
    private final CampaignCodec campaigns;

    @jakarta.inject.Inject
    public ContractFormats(ObjectMapper mapper, GatewayConfig config) {
        this(mapper, CommandCodec.of(mapper, config));
    }

    /** With the defaults a command document without {@code timeout} or {@code ttl} gets (tests). */
    public ContractFormats(ObjectMapper mapper, java.time.Duration defaultTimeout, java.time.Duration defaultTtl,
            java.time.Duration defaultFirmwareTimeout) {
        this(mapper, new CommandCodec(mapper, defaultTimeout, defaultTtl, defaultFirmwareTimeout));
    }

    private ContractFormats(ObjectMapper mapper, CommandCodec commands) {
        this.mapper = mapper;
        this.commands = commands;
        this.campaigns = new CampaignCodec(mapper);
    }

    @Override
    public CommandRequest command(JsonNode record) {
        JsonNode command = record.get("command");
        if (command == null || !record.has("receivedAt")) {
            throw new IllegalArgumentException("neither a stored command nor one of an earlier version");
        }
        Optional<ReplyAddress> replyTo = Optional.ofNullable(record.get("replyTo")).map(r -> new ReplyAddress(
                r.get("topic").asText(), Optional.ofNullable(r.get("correlationData"))
                        .map(c -> Base64.getDecoder().decode(c.asText()))));
        byte[] document;
        try {
            document = mapper.writeValueAsBytes(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CommandCodec.Decoded decoded = commands.decode(document, Optional.empty(), Optional.empty(), replyTo,
                Instant.parse(record.get("receivedAt").asText()));
        if (decoded instanceof CommandCodec.Decoded.Accepted accepted) {
            return accepted.request();
        }
        throw new IllegalArgumentException(((CommandCodec.Decoded.Rejected) decoded).result().error()
                .orElse("invalid"));
    }

    @Override
    public CampaignSpec campaign(JsonNode document) {
        JsonNode id = document.get("id");
        if (id == null || !id.isTextual()) {
            throw new IllegalArgumentException("a campaign document without 'id'");
        }
        return campaigns.spec(id.asText(), document);
    }
}
