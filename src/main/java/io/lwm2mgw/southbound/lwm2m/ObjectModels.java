package io.lwm2mgw.southbound.lwm2m;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.jboss.logging.Logger;

/**
 * The object models the gateway types values with: Leshan's OMA core objects, our own registry objects
 * (IPSO and others, {@code src/main/resources/object-models}), and the DDF files of an operator-given folder.
 */
final class ObjectModels {

    private static final Logger LOG = Logger.getLogger(ObjectModels.class);
    // not /models/: that is where Leshan keeps its own DDF files, which ours must not shadow
    private static final String BUILT_IN = "/object-models/";

    private ObjectModels() {
    }

    static List<ObjectModel> load(Optional<Path> directory) {
        List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadAllDefault());
        models.addAll(loadBuiltIn());
        directory.ifPresent(dir -> models.addAll(loadDirectory(dir)));
        return models;
    }

    private static Collection<ObjectModel> loadBuiltIn() {
        try (InputStream index = ObjectModels.class.getResourceAsStream(BUILT_IN + "index.txt")) {
            if (index == null) {
                throw new IllegalStateException("built-in model index " + BUILT_IN + "index.txt is missing");
            }
            String[] names = new String(index.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toArray(String[]::new);
            return ObjectLoader.loadDdfResources(BUILT_IN, names);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in object models", e);
        } catch (Exception e) {
            throw new IllegalStateException("a built-in object model is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * Loads every {@code *.xml} file of the folder. Leshan's own folder loader logs and skips a broken file;
     * a gateway that silently lost a model would publish untyped values, so a broken file stops start-up.
     */
    private static List<ObjectModel> loadDirectory(Path dir) {
        String key = "gateway.lwm2m.models-directory: ";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(key + dir + " is not a readable folder");
        }
        List<Path> files;
        try (var listing = Files.list(dir)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(key + "cannot list " + dir + ": " + e.getMessage(), e);
        }
        List<ObjectModel> models = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                models.addAll(ObjectLoader.loadDdfFile(in, file.getFileName().toString()));
            } catch (Exception e) {
                throw new IllegalArgumentException(key + "cannot load " + file.getFileName() + ": " + e.getMessage(),
                        e);
            }
        }
        LOG.infof("loaded %d object models from %s", models.size(), dir);
        return models;
    }
}
