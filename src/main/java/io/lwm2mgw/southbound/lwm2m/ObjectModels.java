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
 * (IPSO and others, {@code src/main/resources/models}), and the DDF files of an operator-given folder.
 */
final class ObjectModels {

    private static final Logger LOG = Logger.getLogger(ObjectModels.class);
    private static final String BUILT_IN = "/models/";

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

    private static List<ObjectModel> loadDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "gateway.lwm2m.models-directory: " + dir + " is not a readable folder");
        }
        try {
            List<ObjectModel> models = ObjectLoader.loadObjectsFromDir(dir.toFile(), false);
            LOG.infof("loaded %d object models from %s", models.size(), dir);
            return models;
        } catch (Exception e) {
            throw new IllegalArgumentException("gateway.lwm2m.models-directory: cannot load the models in " + dir
                    + ": " + e.getMessage(), e);
        }
    }
}
