package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.firmware.CampaignDocuments;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVStoreException;
import org.jboss.logging.Logger;

/**
 * Campaigns in the engine's map {@code campaigns} (campaign id to its {@link CampaignDocuments} document).
 * Saves run on the {@link RetriedWrites} thread, retried while the engine refuses them.
 */
final class EmbeddedCampaignStore implements CampaignStore {

    private static final Logger LOG = Logger.getLogger(EmbeddedCampaignStore.class);

    static final String MAP = "campaigns";

    private final MvStoreEngine engine;
    private final ObjectMapper mapper;
    private final RetriedWrites writes;

    EmbeddedCampaignStore(MvStoreEngine engine, ObjectMapper mapper, RetriedWrites writes) {
        this.engine = engine;
        this.mapper = mapper;
        this.writes = writes;
    }

    @Override
    public void save(CampaignSpec spec, CampaignStatus.State state,
            Map<EndpointName, CampaignStatus.DeviceState> devices) {
        byte[] document = CampaignDocuments.encode(mapper, spec, state, devices);
        // a newer state replaces an unwritten one
        writes.submit(spec.id(), () -> {
            try {
                engine.<String, byte[]>map(MAP).put(spec.id(), document);
            } catch (MVStoreException e) {
                throw new IOException(MvStoreEngine.reason(e), e);
            }
            engine.commit();
        });
    }

    @Override
    public List<Stored> loadAll() {
        List<Stored> all = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : engine.<String, byte[]>map(MAP).entrySet()) {
            try {
                all.add(CampaignDocuments.decode(mapper, entry.getValue(), EarlierFormats.NONE).stored());
            } catch (IOException | RuntimeException e) {
                LOG.errorf("stored campaign %s is unreadable and is skipped: %s", entry.getKey(), e.getMessage());
            }
        }
        return all;
    }

    @Override
    public void close() {
        writes.close();
    }
}
