package io.lwm2mgw.state.embedded;

import io.lwm2mgw.firmware.FirmwareImageIndex;
import java.util.HashMap;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStoreException;
import org.jboss.logging.Logger;

/**
 * The firmware image index in the engine's map {@code firmware-images} (digest to last use, epoch ms). A use
 * becomes durable with the next commit, which is asked for and not waited for: losing one costs an eviction
 * order, never an image.
 */
final class EmbeddedImageIndex implements FirmwareImageIndex {

    private static final Logger LOG = Logger.getLogger(EmbeddedImageIndex.class);
    static final String MAP = "firmware-images";

    private final MvStoreEngine engine;

    EmbeddedImageIndex(MvStoreEngine engine) {
        this.engine = engine;
    }

    @Override
    public Map<String, Long> lastUses() {
        return new HashMap<>(uses());
    }

    @Override
    public void used(String sha256, long epochMillis) {
        change(() -> uses().put(sha256, epochMillis));
    }

    @Override
    public void removed(String sha256) {
        change(() -> uses().remove(sha256));
    }

    private MVMap<String, Long> uses() {
        return engine.map(MAP);
    }

    private void change(Runnable change) {
        try {
            change.run();
            engine.durable();
        } catch (MVStoreException e) {
            LOG.warnf("firmware image index not updated: %s", MvStoreEngine.reason(e));
        }
    }
}
