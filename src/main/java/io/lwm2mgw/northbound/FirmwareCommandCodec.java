package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.firmware.FirmwareDelivery;
import io.lwm2mgw.domain.firmware.FirmwareImageSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** The firmware-update part of the command document: {@code image}, {@code method}, {@code execute}. */
final class FirmwareCommandCodec {

    private FirmwareCommandCodec() {
    }

    static DeviceCommand.UpdateFirmware decode(JsonNode doc) {
        JsonNode image = doc.get("image");
        if (image == null || !image.isObject()) {
            throw new IllegalArgumentException("firmware-update needs 'image' with 'url' or 'base64'");
        }
        boolean hasUrl = image.hasNonNull("url");
        boolean hasInline = image.hasNonNull("base64");
        if (hasUrl == hasInline) {
            throw new IllegalArgumentException("'image' needs exactly one of 'url' and 'base64'");
        }
        FirmwareImageSource source;
        if (hasUrl) {
            Optional<String> sha = Optional.empty();
            if (image.hasNonNull("sha256")) {
                if (!image.get("sha256").isTextual()) {
                    throw new IllegalArgumentException("'image.sha256' must be a string");
                }
                sha = Optional.of(image.get("sha256").asText());
            }
            if (!image.get("url").isTextual()) {
                throw new IllegalArgumentException("'image.url' must be a string");
            }
            try {
                source = new FirmwareImageSource.FromUrl(new URI(image.get("url").asText()), sha);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'image.url' is not a URL: " + e.getMessage());
            }
        } else {
            if (!image.get("base64").isTextual()) {
                throw new IllegalArgumentException("'image.base64' must be a string");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(image.get("base64").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'image.base64' is not base64: " + e.getMessage());
            }
            source = new FirmwareImageSource.Inline(bytes);
        }
        FirmwareDelivery delivery = FirmwareDelivery.AUTO;
        if (doc.hasNonNull("method")) {
            String method = doc.get("method").asText();
            switch (method) {
                case "push":
                case "pull":
                case "auto":
                    delivery = FirmwareDelivery.valueOf(method.toUpperCase(Locale.ROOT));
                    break;
                default:
                    throw new IllegalArgumentException("'method' must be push, pull or auto, not '" + method + "'");
            }
        }
        boolean execute = true;
        if (doc.has("execute")) {
            if (!doc.get("execute").isBoolean()) {
                throw new IllegalArgumentException("'execute' must be true or false");
            }
            execute = doc.get("execute").booleanValue();
        }
        return new DeviceCommand.UpdateFirmware(source, delivery, execute);
    }

    static void encode(DeviceCommand.UpdateFirmware update, ObjectNode doc) {
        ObjectNode image = doc.putObject("image");
        FirmwareImageSource source = update.image();
        if (source instanceof FirmwareImageSource.FromUrl url) {
            image.put("url", url.url().toString());
            url.expectedSha256().ifPresent(sha -> image.put("sha256", sha));
        } else {
            image.put("base64", Base64.getEncoder().encodeToString(((FirmwareImageSource.Inline) source).bytes()));
        }
        doc.put("method", update.delivery().name().toLowerCase(Locale.ROOT));
        doc.put("execute", update.executeUpdate());
    }
}
