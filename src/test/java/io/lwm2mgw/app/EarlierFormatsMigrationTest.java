package io.lwm2mgw.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.FileQueuedCommandStore;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.storage.StoreHealth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by the version before the stores had formats of their own: its queued commands
 * (and campaigns, below) are read through the contract's codecs and stored anew, so an upgrade loses none.
 */
class EarlierFormatsMigrationTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path folder;

    static final ContractFormats FORMATS = new ContractFormats(MAPPER, Duration.ofSeconds(30), Duration.ofHours(24),
            Duration.ofHours(1));

    /** Exactly what FileQueuedCommandStore wrote until the stores had formats of their own. */
    private static final String EARLIER_COMMAND = """
            {"receivedAt":"2026-11-30T08:00:00Z",
             "replyTo":{"topic":"app/replies/7","correlationData":"Y29yci03"},
             "command":{"id":"c-7","endpoint":"lamp-7","op":"write","path":"/3311/0","timeout":20.0,"ttl":3600.0,
                        "mode":"update","values":{"/3311/0/5851":40,"/3311/0/5850":true}}}
            """;

    @Test
    void a_queued_command_of_an_earlier_version_is_read_and_stored_anew() throws Exception {
        Path file = folder.resolve("c-7.json");
        Files.writeString(file, EARLIER_COMMAND, StandardCharsets.UTF_8);
        FileQueuedCommandStore store = new FileQueuedCommandStore(folder, MAPPER, new StoreHealth(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), FORMATS);

        List<CommandRequest> loaded = store.loadAll();

        assertThat(loaded).singleElement().satisfies(request -> {
            assertThat(request.id()).isEqualTo("c-7");
            assertThat(request.endpoint().value()).isEqualTo("lamp-7");
            assertThat(request.receivedAt()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
            assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(request.ttl()).isEqualTo(Duration.ofHours(1));
            assertThat(request.replyTo().orElseThrow().topic()).isEqualTo("app/replies/7");
            assertThat(new String(request.replyTo().orElseThrow().correlationData().orElseThrow(),
                    StandardCharsets.UTF_8)).isEqualTo("corr-7");
            assertThat(request.command()).isInstanceOf(DeviceCommand.WriteResource.class);
            assertThat(((DeviceCommand.WriteResource) request.command()).values()).hasSize(2);
        });
        try (var files = Files.list(folder)) {
            List<Path> stored = files.toList();
            assertThat(stored).singleElement().satisfies(p -> {
                JsonNode doc = MAPPER.readTree(Files.readAllBytes(p));
                assertThat(doc.path("v").asInt()).as("stored in the store's own format").isEqualTo(1);
            });
        }
        assertThat(new FileQueuedCommandStore(folder, MAPPER).loadAll()).as("read again without help")
                .containsExactlyElementsOf(loaded);
    }

    @Test
    void a_campaign_of_an_earlier_version_is_read_through_the_contracts_campaign_document() throws Exception {
        JsonNode earlier = MAPPER.readTree("""
                {"id":"wave-3","endpoints":["lamp-1","lamp-2"],
                 "image":{"url":"http://images.local/lamp-2.1.0.bin","sha256":"%s"},
                 "method":"push","execute":true,"maxConcurrent":2,"maxFailureRatio":0.5}
                """.formatted("6a9155a3572111bfedd09cf2d8f95e4c110936ca79a01ce04522a5caaaa7c0ef"));

        CampaignSpec spec = FORMATS.campaign(earlier);

        assertThat(spec.id()).isEqualTo("wave-3");
        assertThat(spec.endpoints()).extracting(e -> e.value()).containsExactly("lamp-1", "lamp-2");
        assertThat(spec.maxConcurrent()).isEqualTo(2);
        assertThat(spec.maxFailureRatio()).isEqualTo(0.5);
        assertThat(io.lwm2mgw.storage.StoredCampaigns.read(io.lwm2mgw.storage.StoredCampaigns.write(spec)))
                .as("and it can be stored in the store's own format").isEqualTo(spec);
    }
}
