package io.lwm2mgw.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a kustomization with {@code kubectl kustomize}, offline, exactly as {@code kubectl apply -k} would
 * render it (generators with their hash suffixes, replacements, patches). Needs kubectl with kustomize v5;
 * Debian's kubernetes-client (1.20) embeds kustomize v2.0.3, which cannot render these overlays.
 */
final class Rendering {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
    private static volatile String unusable;

    private Rendering() {
    }

    /** The resources {@code dir}'s kustomization renders, in kubectl's order. */
    static List<ObjectNode> render(Path dir) {
        return parse(renderText(dir));
    }

    /** The YAML stream {@code kubectl kustomize dir} prints; a rendering error fails with kubectl's message. */
    static String renderText(Path dir) {
        Result result = run(List.of("kubectl", "kustomize", dir.toString()));
        if (result.exit != 0) {
            throw new IllegalArgumentException("kubectl kustomize " + dir + " failed: " + result.output.strip());
        }
        return result.output;
    }

    /**
     * Why kubectl cannot render here (not installed, or a kustomize older than v5), or null when it can.
     * Asked once per test run.
     */
    static String whyKubectlCannotRender() {
        if (unusable == null) {
            String reason;
            try {
                Result version = run(List.of("kubectl", "version", "--client"));
                Matcher m = KUSTOMIZE_VERSION.matcher(version.output);
                reason = !m.find() ? "kubectl names no kustomize version: " + version.output.strip()
                        : Integer.parseInt(m.group(1)) < 5 ? "kubectl embeds kustomize v" + m.group(1)
                                + ", these kustomizations need v5" : "";
            } catch (UncheckedIOException e) {
                reason = "kubectl is not installed (the manifests are rendered by kubectl kustomize)";
            }
            unusable = reason;
        }
        return unusable.isEmpty() ? null : unusable;
    }

    /**
     * Every patch of {@code dir}'s kustomization whose target (kind and name) is no resource of the rendering:
     * kustomize applies such a patch to nothing and says nothing, so a renamed resource would silently lose
     * its overlay's settings.
     */
    static List<String> unmatchedPatches(Path dir, List<? extends JsonNode> rendered) {
        JsonNode kustomization;
        try {
            kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> unmatched = new ArrayList<>();
        for (JsonNode patch : kustomization.path("patches")) {
            String kind = patch.path("target").path("kind").asText();
            String name = patch.path("target").path("name").asText();
            if (rendered.stream().noneMatch(r -> r.path("kind").asText().equals(kind)
                    && r.path("metadata").path("name").asText().equals(name))) {
                unmatched.add(dir + ": the patch of " + kind + "/" + name + " matches no resource");
            }
        }
        return unmatched;
    }

    /** Every document of a YAML stream, empty documents left out. */
    static List<ObjectNode> parse(String yaml) {
        try {
            List<ObjectNode> docs = new ArrayList<>();
            YAML.readerFor(JsonNode.class).readValues(yaml).forEachRemaining(doc -> {
                if (doc instanceof ObjectNode node) {
                    docs.add(node);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("not readable YAML: " + e.getMessage(), e);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(command.get(0) + " cannot be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
