package io.lwm2mgw.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.app.ContractFormats;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A campaign file of the version before the stores had formats of their own is resumed and stored anew. */
class CampaignStoreTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path folder;

    private FileCampaignStore store(EarlierFormats earlier) {
        return new FileCampaignStore(folder, MAPPER, new RetriedWrites("campaigns", new StoreHealth(),
                Duration.ofMillis(10), Duration.ofMillis(100)), earlier);
    }

    @Test
    void an_earlier_campaign_file_is_read_and_written_back_in_the_stores_format() throws Exception {
        // what CampaignStore wrote then: the contract's campaign document as its spec
        Files.writeString(folder.resolve("wave-3.json"), """
                {"spec":{"id":"wave-3","endpoints":["lamp-1","lamp-2"],
                         "image":{"url":"http://images.local/lamp.bin","sha256":"%s"},"method":"push","maxConcurrent":1},
                 "state":"RUNNING","devices":{"lamp-1":"SUCCEEDED","lamp-2":"PENDING"}}
                """.formatted("6a9155a3572111bfedd09cf2d8f95e4c110936ca79a01ce04522a5caaaa7c0ef"),
                StandardCharsets.UTF_8);
        CampaignStore store = store(new ContractFormats(MAPPER, Duration.ofSeconds(30), Duration.ofHours(24),
                Duration.ofHours(1)));

        var loaded = store.loadAll();

        assertThat(loaded).singleElement().satisfies(c -> {
            assertThat(c.spec().id()).isEqualTo("wave-3");
            assertThat(c.spec().maxConcurrent()).isEqualTo(1);
            assertThat(c.state()).isEqualTo(CampaignStatus.State.RUNNING);
            assertThat(c.devices()).hasSize(2);
        });
        // stored anew under the store's own name, the earlier file gone: read back without help, once
        assertThat(folder.resolve("wave-3.json")).doesNotExist();
        assertThat(store(EarlierFormats.NONE).loadAll()).singleElement()
                .satisfies(c -> assertThat(c.devices()).isEqualTo(loaded.get(0).devices()));
        store.close();
    }
}
