package io.lwm2mgw.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates rendered resources against their JSON schemas with Node: {@code deploy/k8s/schema/validate.mjs},
 * the Kubernetes OpenAPI schemas of the npm package kubernetes-models and the Prometheus operator's CRD
 * schemas, compiled by Ajv (required fields, types, enums such as a port's protocol, formats such as
 * quantities, the CRD's patterns). Needs {@code npm ci} in that folder ({@code .ci/run} does it).
 */
final class SchemaValidator {

    static final Path DIRECTORY = Path.of("deploy/k8s/schema");

    private SchemaValidator() {
    }

    /** Every schema problem of the resources, one line each ("Kind/name: /pointer message"); empty if valid. */
    static List<String> problems(List<? extends JsonNode> resources) {
        StringBuilder stream = new StringBuilder();
        for (JsonNode resource : resources) {
            try {
                // JSON is YAML: one document per resource
                stream.append("---\n").append(Rendering.YAML.writeValueAsString(resource)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return problems(stream.toString());
    }

    /** Every schema problem of a YAML stream such as {@code kubectl kustomize}'s output. */
    static List<String> problems(String yamlStream) {
        if (!Files.isDirectory(DIRECTORY.resolve("node_modules/kubernetes-models"))) {
            throw new IllegalStateException("the schema validator is not installed: run `npm ci` in " + DIRECTORY
                    + " (.ci/run does)");
        }
        try {
            Process node = new ProcessBuilder("node", "validate.mjs").directory(DIRECTORY.toFile())
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (OutputStream in = node.getOutputStream()) {
                in.write(yamlStream.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
                throw new IllegalStateException("validate.mjs failed: " + err.strip());
            }
            return out.lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("node cannot be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
