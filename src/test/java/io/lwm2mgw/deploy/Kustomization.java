package io.lwm2mgw.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the subset our manifests use: resources
 * (files and directories), namespace, images and JSON 6902 patches with a kind/name target. Anything else
 * is refused, so a manifest never silently escapes validation; {@code ManifestValidationTest} compares the
 * result with {@code kubectl kustomize} wherever kubectl is installed.
 */
final class Kustomization {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "images",
            "patches");

    private Kustomization() {
    }

    /** Every resource the kustomization in {@code dir} produces, in the order its files list them. */
    static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        JsonNode k = readAll(file).get(0);
        for (Iterator<String> keys = k.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(file + ": '" + key + "' is not supported by the test renderer "
                        + "(supported: " + SUPPORTED + ")");
            }
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : k.path("resources")) {
            Path path = dir.resolve(entry.asText()).normalize();
            if (Files.isDirectory(path)) {
                resources.addAll(render(path));
            } else {
                readAll(path).forEach(doc -> resources.add((ObjectNode) doc));
            }
        }
        for (JsonNode patch : k.path("patches")) {
            applyPatch(dir, patch, resources);
        }
        for (JsonNode image : k.path("images")) {
            resources.forEach(r -> retag(r, image));
        }
        if (k.hasNonNull("namespace")) {
            resources.forEach(r -> ((ObjectNode) r.path("metadata")).put("namespace", k.get("namespace").asText()));
        }
        return resources;
    }

    /** Every YAML document of a file, empty documents left out. */
    static List<JsonNode> readAll(Path file) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            YAML.readerFor(JsonNode.class).readValues(YAML.getFactory().createParser(file.toFile()))
                    .forEachRemaining(doc -> {
                        if (doc instanceof JsonNode node && !node.isNull() && !node.isMissingNode()) {
                            docs.add(node);
                        }
                    });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not readable YAML: " + e.getMessage(), e);
        }
    }

    private static void applyPatch(Path dir, JsonNode patch, List<ObjectNode> resources) {
        String kind = patch.path("target").path("kind").asText();
        String name = patch.path("target").path("name").asText();
        JsonNode operations;
        try {
            operations = patch.hasNonNull("path")
                    ? readAll(dir.resolve(patch.get("path").asText())).get(0)
                    : YAML.readTree(patch.path("patch").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!operations.isArray()) {
            throw new IllegalArgumentException(dir + ": only JSON 6902 patches (a list of operations) are supported");
        }
        boolean matched = false;
        for (ObjectNode resource : resources) {
            if (resource.path("kind").asText().equals(kind)
                    && resource.path("metadata").path("name").asText().equals(name)) {
                matched = true;
                for (JsonNode op : operations) {
                    JsonPatch.apply(resource, op);
                }
            }
        }
        if (!matched) {
            throw new IllegalArgumentException(dir + ": patch target " + kind + "/" + name + " matches no resource");
        }
    }

    private static void retag(ObjectNode resource, JsonNode image) {
        JsonNode podSpec = resource.path("spec").path("template").path("spec");
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode container : podSpec.path(list)) {
                String current = container.path("image").asText();
                int at = current.indexOf('@');
                String ref = at < 0 ? current : current.substring(0, at);
                int colon = ref.lastIndexOf(':');
                String imageName = colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
                String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : null;
                if (!imageName.equals(image.path("name").asText())) {
                    continue;
                }
                String newName = image.path("newName").asText(imageName);
                String newTag = image.hasNonNull("newTag") ? image.get("newTag").asText() : tag;
                ((ObjectNode) container).put("image", newTag == null ? newName : newName + ":" + newTag);
            }
        }
    }

    /** RFC 6902 add, replace and remove on a Jackson tree: the operations the overlays use. */
    static final class JsonPatch {

        private JsonPatch() {
        }

        static void apply(JsonNode root, JsonNode op) {
            String pointer = op.path("path").asText();
            List<String> tokens = new ArrayList<>();
            for (String token : pointer.substring(1).split("/", -1)) {
                tokens.add(token.replace("~1", "/").replace("~0", "~"));
            }
            JsonNode parent = root;
            for (String token : tokens.subList(0, tokens.size() - 1)) {
                parent = parent.isArray() ? parent.path(Integer.parseInt(token)) : parent.path(token);
                if (parent.isMissingNode()) {
                    throw new IllegalArgumentException("patch path " + pointer + " does not exist");
                }
            }
            String last = tokens.get(tokens.size() - 1);
            String kind = op.path("op").asText();
            JsonNode value = op.get("value");
            if (parent instanceof ObjectNode object) {
                if (!kind.equals("add") && !object.has(last)) {
                    throw new IllegalArgumentException("patch path " + pointer + " does not exist");
                }
                switch (kind) {
                    case "add", "replace" -> object.set(last, value.deepCopy());
                    case "remove" -> object.remove(last);
                    default -> throw new IllegalArgumentException("patch op '" + kind + "' is not supported");
                }
            } else if (parent instanceof ArrayNode array) {
                int index = last.equals("-") ? array.size() : Integer.parseInt(last);
                switch (kind) {
                    case "add" -> array.insert(index, value.deepCopy());
                    case "replace" -> array.set(index, value.deepCopy());
                    case "remove" -> array.remove(index);
                    default -> throw new IllegalArgumentException("patch op '" + kind + "' is not supported");
                }
            } else {
                throw new IllegalArgumentException("patch path " + pointer + " does not name a container");
            }
        }
    }
}
