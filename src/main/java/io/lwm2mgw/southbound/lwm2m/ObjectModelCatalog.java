package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;

/**
 * The object models the gateway types values with, described in plain values for those who show them
 * (the operator API and console): names, units, types and R/W/E marks. Loaded once, on first use, from the same
 * sources as the LwM2M server's models; where an object has several versions, the newest is described.
 */
@ApplicationScoped
public class ObjectModelCatalog {

    /** One object as its model describes it. */
    public record ObjectDescription(int id, String name, String version, boolean multiple, String description,
            List<ResourceDescription> resources) {
    }

    /**
     * One resource of an object.
     *
     * @param operations {@code R}, {@code W}, {@code RW}, {@code E} or empty
     * @param type       the model's type in lower case ({@code integer}, {@code float}, {@code string}, ...),
     *                   {@code none} for an executable resource
     */
    public record ResourceDescription(int id, String name, String operations, boolean multiple, boolean mandatory,
            String type, String units, String range, String description) {
    }

    private final GatewayConfig config;
    private volatile Map<Integer, ObjectDescription> objects;

    public ObjectModelCatalog(GatewayConfig config) {
        this.config = config;
    }

    /** The object's description, when a model knows it. */
    public Optional<ObjectDescription> describe(int objectId) {
        return Optional.ofNullable(objects().get(objectId));
    }

    private Map<Integer, ObjectDescription> objects() {
        Map<Integer, ObjectDescription> current = objects;
        if (current == null) {
            synchronized (this) {
                if (objects == null) {
                    objects = load(ObjectModels.load(config.lwm2m().modelsDirectory()));
                }
                current = objects;
            }
        }
        return current;
    }

    static Map<Integer, ObjectDescription> load(List<ObjectModel> models) {
        Map<Integer, ObjectModel> newest = new HashMap<>();
        for (ObjectModel model : models) {
            newest.merge(model.id, model, (a, b) -> newer(a, b) ? a : b);
        }
        Map<Integer, ObjectDescription> described = new HashMap<>();
        newest.forEach((id, model) -> described.put(id, describe(model)));
        return Map.copyOf(described);
    }

    private static boolean newer(ObjectModel a, ObjectModel b) {
        return version(a.version) >= version(b.version);
    }

    private static double version(String version) {
        try {
            return Double.parseDouble(version);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static ObjectDescription describe(ObjectModel model) {
        List<ResourceDescription> resources = new ArrayList<>();
        for (ResourceModel r : model.resources.values()) {
            resources.add(new ResourceDescription(r.id, r.name, marks(r.operations),
                    Boolean.TRUE.equals(r.multiple), Boolean.TRUE.equals(r.mandatory), r.type == null ? "none" : r.type.name().toLowerCase(Locale.ROOT),
                    text(r.units), text(r.rangeEnumeration), text(r.description)));
        }
        resources.sort(Comparator.comparingInt(ResourceDescription::id));
        return new ObjectDescription(model.id, model.name, text(model.version), Boolean.TRUE.equals(model.multiple),
                text(model.description), List.copyOf(resources));
    }

    private static String marks(ResourceModel.Operations operations) {
        return operations == null || operations == ResourceModel.Operations.NONE ? "" : operations.name();
    }

    private static String text(String s) {
        return s == null ? "" : s.strip();
    }
}
