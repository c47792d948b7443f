package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.FileQueuedCommandStore;
import io.lwm2mgw.command.JournalLedgerStore;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.firmware.CampaignDocuments;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.firmware.FileCampaignStore;
import io.lwm2mgw.southbound.lwm2m.FileRegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.CredentialEntryCodec;
import io.lwm2mgw.southbound.lwm2m.security.DeviceCredentials;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentialsFile;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredCommands;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.MVMap;
import org.jboss.logging.Logger;

/**
 * Reads the file stores of earlier versions once, at the engine's first start, into the engine, then moves
 * their files aside into a folder {@code migrated} inside each store folder (nothing is deleted; a later start
 * reads none of them again). Whether it ran is recorded in the engine (map {@code meta}, key
 * {@code migrated-from-files}) in the same commit as the data, so a crash in between repeats the whole
 * import (every record is keyed, so a repeat changes nothing) and a crash after it only repeats the moves.
 */
final class FileStateMigration {

    private static final Logger LOG = Logger.getLogger(FileStateMigration.class);

    static final String META = "meta";
    static final String MIGRATED = "migrated-from-files";
    /** The folder, inside each earlier store folder, that receives the files read. */
    static final String ASIDE = "migrated";
    private static final String LEDGER = "ledger.jsonl";
    private static final String PROVISIONED = "provisioned.json";

    /** The earlier store folders; {@code credentials} is empty when provisioning is off. */
    record Sources(Path registrations, Path commands, Path campaigns, Optional<Path> credentials, int remembered) { }

    private FileStateMigration() {
    }

    /** Imports what the earlier stores hold, unless done before; then moves their files aside. */
    static void run(MvStoreEngine engine, Sources sources, ObjectMapper mapper, EarlierFormats earlier)
            throws IOException {
        MVMap<String, String> meta = engine.map(META);
        if (meta.get(MIGRATED) == null) {
            String counts = importAll(engine, sources, mapper, earlier);
            meta.put(MIGRATED, Instant.now() + " " + counts);
            engine.commit();
            if (!counts.isEmpty()) {
                LOG.infof("state: %s read from the file stores of an earlier version into %s", counts, engine.file());
            }
        }
        int moved = moveAside(sources);
        if (moved > 0) {
            LOG.infof("state: %d files of the earlier file stores moved into their folders' '%s' folder", moved, ASIDE);
        }
    }

    private static String importAll(MvStoreEngine engine, Sources sources, ObjectMapper mapper,
            EarlierFormats earlier) throws IOException {
        StringBuilder counts = new StringBuilder();
        MVMap<String, byte[]> registrations = engine.map(EmbeddedRegistrationSnapshots.MAP);
        Map<String, byte[]> snapshots = new FileRegistrationSnapshots(sources.registrations()).loadAll();
        registrations.putAll(snapshots);
        count(counts, snapshots.size(), "registrations");

        if (Files.isDirectory(sources.commands())) {
            MVMap<String, byte[]> queued = engine.map(EmbeddedQueuedCommandStore.MAP);
            var commands = new FileQueuedCommandStore(sources.commands(), mapper, new StoreHealth(),
                    Duration.ofSeconds(1), Duration.ofSeconds(30), earlier).loadAll();
            for (CommandRequest request : commands) {
                queued.put(EmbeddedQueuedCommandStore.key(request), mapper.writeValueAsBytes(StoredCommands.write(request)));
            }
            count(counts, commands.size(), "queued commands");
            if (Files.exists(sources.commands().resolve(LEDGER))) {
                JournalLedgerStore journal = new JournalLedgerStore(sources.commands(), mapper);
                LedgerStore.Loaded loaded = journal.load(sources.remembered());
                journal.close();
                EmbeddedLedgerStore ledger = new EmbeddedLedgerStore(engine, mapper, new StoreHealth());
                ledger.load(Integer.MAX_VALUE);
                for (CommandResult result : loaded.completed()) {
                    ledger.completed(result);
                }
                loaded.interrupted().forEach(mark -> ledger.sending(mark.endpoint(), mark.id()));
                count(counts, loaded.completed().size(), "completed commands");
            }
        }

        MVMap<String, byte[]> campaigns = engine.map(EmbeddedCampaignStore.MAP);
        RetriedWrites rewrites = new RetriedWrites("campaigns-migration", new StoreHealth(), Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        var stored = new FileCampaignStore(sources.campaigns(), mapper, rewrites, earlier).loadAll();
        rewrites.close();
        for (CampaignStore.Stored c : stored) {
            campaigns.put(c.spec().id(), CampaignDocuments.encode(mapper, c.spec(), c.state(), c.devices()));
        }
        count(counts, stored.size(), "campaigns");

        if (sources.credentials().isPresent()) {
            MVMap<String, byte[]> credentials = engine.map(EmbeddedProvisionedCredentials.MAP);
            Map<String, DeviceCredentials> entries = new ProvisionedCredentialsFile(sources.credentials().get()).load();
            entries.forEach((endpoint, c) -> credentials.put(endpoint, CredentialEntryCodec.encode(c)));
            count(counts, entries.size(), "provisioned credentials");
        }
        return counts.toString();
    }

    private static void count(StringBuilder counts, int n, String what) {
        if (n > 0) {
            counts.append(counts.isEmpty() ? "" : ", ").append(n).append(' ').append(what);
        }
    }

    private static int moveAside(Sources sources) throws IOException {
        int moved = moveAside(sources.registrations(), "*.json");
        moved += moveAside(sources.commands(), "{*.json," + LEDGER + "}");
        moved += moveAside(sources.campaigns(), "*.json");
        if (sources.credentials().isPresent()) {
            moved += moveAside(sources.credentials().get(), PROVISIONED);
        }
        return moved;
    }

    private static int moveAside(Path folder, String glob) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int moved = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    Path aside = Files.createDirectories(folder.resolve(ASIDE)).resolve(file.getFileName());
                    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    moved++;
                }
            }
        }
        return moved;
    }
}
