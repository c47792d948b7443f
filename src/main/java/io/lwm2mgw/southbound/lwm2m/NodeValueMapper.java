package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ObjectLink;
import io.lwm2mgw.domain.device.ResourceValue;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Date;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.node.LwM2mChildNode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.util.datatype.ULong;

/**
 * Flattens a decoded Leshan node into typed values by full path. The Java types come from Leshan's decoder,
 * which took them from the object model where one exists and from the content format where none does.
 */
final class NodeValueMapper {

    private NodeValueMapper() {
    }

    /**
     * @param path the path the node was read or observed at (its last level is the node's own id)
     */
    static SortedMap<Lwm2mPath, ResourceValue> flatten(Lwm2mPath path, LwM2mNode node) {
        SortedMap<Lwm2mPath, ResourceValue> values = new TreeMap<>();
        int[] ids = path.ids();
        int[] parent = path.depth() == 0 ? new int[0] : Arrays.copyOf(ids, ids.length - 1);
        if (node instanceof LwM2mChildNode child) {
            collect(parent, child, values);
        }
        return values;
    }

    private static void collect(int[] parent, LwM2mChildNode node, SortedMap<Lwm2mPath, ResourceValue> out) {
        int[] self = append(parent, node.getId());
        if (node instanceof LwM2mObject object) {
            object.getInstances().values().forEach(instance -> collect(self, instance, out));
        } else if (node instanceof LwM2mObjectInstance instance) {
            instance.getResources().values().forEach(resource -> collect(self, resource, out));
        } else if (node instanceof LwM2mMultipleResource multiple) {
            multiple.getInstances().values().forEach(instance -> collect(self, instance, out));
        } else if (node instanceof LwM2mSingleResource single) {
            out.put(new Lwm2mPath(self), toValue(single.getValue()));
        } else if (node instanceof LwM2mResourceInstance instance) {
            out.put(new Lwm2mPath(self), toValue(instance.getValue()));
        } else if (node instanceof LwM2mResource resource && !resource.isMultiInstances()) {
            out.put(new Lwm2mPath(self), toValue(resource.getValue()));
        }
    }

    private static int[] append(int[] parent, int id) {
        int[] ids = Arrays.copyOf(parent, parent.length + 1);
        ids[parent.length] = id;
        return ids;
    }

    /** Converts one decoded Leshan value into our typed value. */
    static ResourceValue toValue(Object value) {
        if (value instanceof Long l) {
            return new ResourceValue.IntegerValue(l);
        } else if (value instanceof Integer i) {
            return new ResourceValue.IntegerValue(i);
        } else if (value instanceof Double d) {
            return new ResourceValue.FloatValue(d);
        } else if (value instanceof Float f) {
            return new ResourceValue.FloatValue(f);
        } else if (value instanceof Boolean b) {
            return new ResourceValue.BooleanValue(b);
        } else if (value instanceof String s) {
            return new ResourceValue.StringValue(s);
        } else if (value instanceof byte[] bytes) {
            return new ResourceValue.OpaqueValue(bytes);
        } else if (value instanceof Date date) {
            return new ResourceValue.TimeValue(date.toInstant());
        } else if (value instanceof org.eclipse.leshan.core.node.ObjectLink link) {
            return new ResourceValue.ObjlnkValue(new ObjectLink(link.getObjectId(), link.getObjectInstanceId()));
        } else if (value instanceof ULong u) {
            return new ResourceValue.UnsignedValue(new BigInteger(u.toString()));
        } else if (value instanceof Link[] links) {
            return new ResourceValue.StringValue(Arrays.stream(links).map(Link::toCoreLinkFormat)
                    .collect(Collectors.joining(",")));
        }
        return new ResourceValue.StringValue(String.valueOf(value));
    }
}
