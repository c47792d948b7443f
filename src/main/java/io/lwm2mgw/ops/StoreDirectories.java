package io.lwm2mgw.ops;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.storage.StoreDirectory;
import io.smallrye.config.ConfigValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Opens every store folder before anything is served: an unwritable or locked folder stops start-up with
 * one line naming its key (a gateway that cannot store would forget its devices at the next restart), the
 * leftovers of a crash are removed, and each folder stays locked until shutdown so that a second gateway
 * process on the same folders refuses to start.
 */
@ApplicationScoped
public class StoreDirectories {

    private static final Logger LOG = Logger.getLogger(StoreDirectories.class);

    private final List<StoreDirectory> opened = new ArrayList<>();

    /** Right after the configuration is validated, before the LwM2M server restores its registrations. */
    public void open(GatewayConfig config) {
        List<String> problems = open(folders(config));
        if (!problems.isEmpty()) {
            throw new ConfigValidationException(problems.stream()
                    .map(ConfigValidationException.Problem::new).toArray(ConfigValidationException.Problem[]::new));
        }
    }

    /** One store folder: its configuration key, and whether it holds this gateway's own state (locked). */
    record Folder(Path path, boolean exclusive) { }

    /** Opens each folder; every problem found, each naming its key. Opened folders stay locked until {@link #close}. */
    synchronized List<String> open(Map<String, Folder> folders) {
        List<String> problems = new ArrayList<>();
        Map<Path, String> seen = new LinkedHashMap<>();
        folders.forEach((key, folder) -> {
            Path absolute = folder.path().toAbsolutePath().normalize();
            if (seen.putIfAbsent(absolute, key) != null) {
                return; // two stores in one folder: one lock
            }
            try {
                StoreDirectory directory = StoreDirectory.open(folder.path(), folder.exclusive());
                opened.add(directory);
                if (directory.leftoversRemoved() > 0) {
                    LOG.infof("%s: removed %d temporary files left by an interrupted write in %s", key,
                            directory.leftoversRemoved(), directory.path());
                }
            } catch (StoreDirectory.Unusable e) {
                problems.add(key + ": " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            close();
        }
        return problems;
    }

    /**
     * The store folders by configuration key. The embedded engine's folder, the registrations and the queued
     * commands are this gateway's own and locked (the last two hold what an earlier version stored, read once
     * into the engine); campaigns, images and credentials are checked and cleaned only (an image cache may be
     * shared, and campaign and credential writes are retried or refused on their own).
     */
    static Map<String, Folder> folders(GatewayConfig config) {
        Map<String, Folder> folders = new LinkedHashMap<>();
        if ("embedded".equals(config.state().backend())) {
            // the default of state.embedded.EmbeddedStateBackend#directory, which opens the engine there
            folders.put("gateway.state.directory", new Folder(config.state().directory()
                    .orElse(config.lwm2m().stateDirectory().resolve("state")), true));
        }
        folders.put("gateway.lwm2m.state-directory", new Folder(config.lwm2m().stateDirectory(), true));
        folders.put("gateway.commands.store-directory", new Folder(config.commands().storeDirectory(), true));
        folders.put("gateway.firmware.campaign-directory", new Folder(config.firmware().campaignDirectory(), false));
        folders.put("gateway.firmware.image-directory", new Folder(config.firmware().imageDirectory(), false));
        if (config.lwm2m().security().provisioning().enabled()) {
            folders.put("gateway.lwm2m.security.provisioning.directory",
                    new Folder(config.lwm2m().security().provisioning().directory(), false));
        }
        return folders;
    }

    /** Last of all at shutdown, once every store wrote what it had: the locks are released. */
    public synchronized void close() {
        opened.forEach(StoreDirectory::close);
        opened.clear();
    }
}
