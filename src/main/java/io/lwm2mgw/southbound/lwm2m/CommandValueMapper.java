package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.util.datatype.ULong;

/**
 * Types the values of a write or create through the device's object model and builds the Leshan node. A
 * value that does not fit its resource, or a write to a resource the model says is not writable, is refused
 * with an IllegalArgumentException naming the path. Pure.
 */
final class CommandValueMapper {

    private CommandValueMapper() {
    }

    /** The node for a write at {@code target} (resource, resource instance or object instance). */
    static LwM2mNode writeNode(LwM2mModel model, Lwm2mPath target, Map<Lwm2mPath, CommandValue> values,
            boolean checkWritable) {
        if (target.depth() == 4) {
            CommandValue value = single(values, target);
            ResourceModel resource = resource(model, target, checkWritable);
            Type type = type(resource, value);
            return LwM2mResourceInstance.newInstance(target.ids()[3], convert(target, value, type), type);
        }
        if (target.depth() == 3) {
            return resourceNode(model, target, values, checkWritable);
        }
        return new LwM2mObjectInstance(target.instanceId(), resources(model, target, values, checkWritable));
    }

    /** The resources of an instance, grouped from values by full path. */
    static List<LwM2mResource> resources(LwM2mModel model, Lwm2mPath instance, Map<Lwm2mPath, CommandValue> values,
            boolean checkWritable) {
        SortedMap<Integer, Map<Lwm2mPath, CommandValue>> byResource = new TreeMap<>();
        values.forEach((path, value) -> byResource.computeIfAbsent(path.resourceId(), k -> new LinkedHashMap<>())
                .put(path, value));
        List<LwM2mResource> resources = new ArrayList<>();
        byResource.forEach((id, resourceValues) -> resources.add(resourceNode(model,
                Lwm2mPath.of(instance.objectId(), instance.instanceId(), id), resourceValues, checkWritable)));
        return resources;
    }

    private static LwM2mResource resourceNode(LwM2mModel model, Lwm2mPath resourcePath,
            Map<Lwm2mPath, CommandValue> values, boolean checkWritable) {
        ResourceModel resource = resource(model, resourcePath, checkWritable);
        if (values.size() == 1 && values.containsKey(resourcePath)) {
            if (resource != null && resource.multiple) {
                throw new IllegalArgumentException(resourcePath + " (" + resource.name + ") has several instances: "
                        + "write them by resource-instance path, e.g. " + resourcePath + "/0");
            }
            CommandValue value = values.get(resourcePath);
            Type type = type(resource, value);
            return LwM2mSingleResource.newResource(resourcePath.resourceId(), convert(resourcePath, value, type), type);
        }
        Map<Integer, Object> instances = new TreeMap<>();
        Type type = null;
        for (Map.Entry<Lwm2mPath, CommandValue> e : values.entrySet()) {
            if (e.getKey().depth() != 4) {
                throw new IllegalArgumentException("give either " + resourcePath + " or its instances, not both");
            }
            Type t = type(resource, e.getValue());
            type = type == null ? t : type;
            instances.put(e.getKey().ids()[3], convert(e.getKey(), e.getValue(), type));
        }
        if (resource != null && !resource.multiple) {
            throw new IllegalArgumentException(resourcePath + " (" + resource.name + ") is a single resource");
        }
        return LwM2mMultipleResource.newResource(resourcePath.resourceId(), instances, type);
    }

    private static ResourceModel resource(LwM2mModel model, Lwm2mPath path, boolean checkWritable) {
        ResourceModel resource = model.getResourceModel(path.objectId(), path.resourceId());
        if (resource != null && checkWritable && !resource.operations.isWritable()) {
            throw new IllegalArgumentException(path + " (" + resource.name + ") is not writable");
        }
        return resource;
    }

    /** The model's type, or what the JSON value says when no model knows the resource. */
    private static Type type(ResourceModel resource, CommandValue value) {
        if (resource != null && resource.type != null && resource.type != Type.NONE) {
            return resource.type;
        }
        if (resource != null && resource.type == Type.NONE) {
            throw new IllegalArgumentException(resource.name + " is executable, it has no value");
        }
        if (value instanceof CommandValue.Bool) {
            return Type.BOOLEAN;
        } else if (value instanceof CommandValue.Number n) {
            return isIntegral(n.value()) ? Type.INTEGER : Type.FLOAT;
        }
        return Type.STRING;
    }

    /** Converts one value to the Java type Leshan encodes for {@code type}. */
    static Object convert(Lwm2mPath path, CommandValue value, Type type) {
        switch (type) {
            case STRING:
                return text(path, value, "a string");
            case INTEGER:
                try {
                    return integral(path, value).longValueExact();
                } catch (ArithmeticException e) {
                    throw mismatch(path, "a 64-bit signed integer", value);
                }
            case UNSIGNED_INTEGER:
                BigInteger u = integral(path, value);
                if (u.signum() < 0) {
                    throw mismatch(path, "an unsigned integer", value);
                }
                return ULong.valueOf(u);
            case FLOAT:
                if (value instanceof CommandValue.Number n) {
                    return n.value().doubleValue();
                }
                throw mismatch(path, "a number", value);
            case BOOLEAN:
                if (value instanceof CommandValue.Bool b) {
                    return b.value();
                }
                throw mismatch(path, "true or false", value);
            case OPAQUE:
                try {
                    return Base64.getDecoder().decode(text(path, value, "base64 text"));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("value of " + path + " is not valid base64");
                }
            case TIME:
                if (value instanceof CommandValue.Number) {
                    return new Date(integral(path, value).longValueExact() * 1000);
                }
                try {
                    return Date.from(Instant.parse(text(path, value, "epoch seconds or an RFC 3339 time")));
                } catch (DateTimeParseException e) {
                    throw mismatch(path, "epoch seconds or an RFC 3339 time", value);
                }
            case OBJLNK:
                String link = text(path, value, "an object link \"3:0\"");
                String[] parts = link.split(":", -1);
                try {
                    return new ObjectLink(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                } catch (RuntimeException e) {
                    throw mismatch(path, "an object link \"3:0\"", value);
                }
            default:
                throw new IllegalArgumentException(path + " has type " + type + ", which a command cannot write");
        }
    }

    private static String text(Lwm2mPath path, CommandValue value, String expected) {
        if (value instanceof CommandValue.Text t) {
            return t.value();
        }
        throw mismatch(path, expected, value);
    }

    private static BigInteger integral(Lwm2mPath path, CommandValue value) {
        if (value instanceof CommandValue.Number n && isIntegral(n.value())) {
            try {
                BigInteger i = n.value().toBigIntegerExact();
                if (i.bitLength() < 64 || i.signum() > 0 && i.bitLength() == 64) {
                    return i;
                }
            } catch (ArithmeticException ignored) {
                // falls through to the mismatch below
            }
        }
        throw mismatch(path, "an integer", value);
    }

    private static boolean isIntegral(BigDecimal d) {
        return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    }

    private static IllegalArgumentException mismatch(Lwm2mPath path, String expected, CommandValue value) {
        String given = value instanceof CommandValue.Text t ? "\"" + t.value() + "\""
                : value instanceof CommandValue.Number n ? n.value().toPlainString()
                : String.valueOf(((CommandValue.Bool) value).value());
        return new IllegalArgumentException("value of " + path + " must be " + expected + ", not " + given);
    }

    private static CommandValue single(Map<Lwm2mPath, CommandValue> values, Lwm2mPath path) {
        CommandValue value = values.get(path);
        if (value == null || values.size() != 1) {
            throw new IllegalArgumentException("a write of " + path + " takes exactly one value at that path");
        }
        return value;
    }
}
