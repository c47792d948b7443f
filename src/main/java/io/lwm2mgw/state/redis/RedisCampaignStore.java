package io.lwm2mgw.state.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.firmware.CampaignDocuments;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Campaigns on Redis: the hash {@code {prefix}:campaigns} (campaign id to its {@link CampaignDocuments}
 * document). Saves run on the {@link RetriedWrites} thread, retried while the server refuses them.
 */
final class RedisCampaignStore implements CampaignStore {

    private static final Logger LOG = Logger.getLogger(RedisCampaignStore.class);

    private final RedisCall redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    private final RetriedWrites writes;

    RedisCampaignStore(RedisCall redis, RedisKeys keys, ObjectMapper mapper, RetriedWrites writes) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.writes = writes;
    }

    @Override
    public void save(CampaignSpec spec, CampaignStatus.State state,
            Map<EndpointName, CampaignStatus.DeviceState> devices) {
        String document = new String(CampaignDocuments.encode(mapper, spec, state, devices), StandardCharsets.UTF_8);
        writes.submit(spec.id(), () -> {
            try {
                redis.call("HSET", keys.campaigns(), spec.id(), document);
            } catch (RuntimeException e) {
                throw new IOException("redis: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public List<Stored> loadAll() {
        List<Stored> all = new ArrayList<>();
        Response entries = redis.call("HGETALL", keys.campaigns());
        for (String id : entries.getKeys()) {
            try {
                all.add(CampaignDocuments.decode(mapper, entries.get(id).toBytes(), EarlierFormats.NONE).stored());
            } catch (IOException | RuntimeException e) {
                LOG.errorf("stored campaign %s is unreadable and is skipped: %s", id, e.getMessage());
            }
        }
        return all;
    }

    @Override
    public void close() {
        writes.close();
    }
}
