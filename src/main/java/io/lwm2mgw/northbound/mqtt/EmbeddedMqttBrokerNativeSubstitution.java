package io.lwm2mgw.northbound.mqtt;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native executable only (ignored on the JVM): the embedded broker (HiveMQ CE, built on Guice, Netty epoll
 * and a file store) is left out of the image, which serves production where an external broker is
 * configured. Without {@code gateway.mqtt.host} a native gateway stops at start with this message instead.
 */
@TargetClass(className = "io.lwm2mgw.northbound.mqtt.EmbeddedMqttBroker")
final class EmbeddedMqttBrokerNativeSubstitution {

    private EmbeddedMqttBrokerNativeSubstitution() {
    }

    @Substitute
    static EmbeddedMqttBrokerNativeSubstitution start(String host, int port) {
        throw new IllegalStateException("gateway.mqtt.host: the native executable has no embedded MQTT broker; "
                + "set gateway.mqtt.host (GATEWAY_MQTT_HOST) to an MQTT 5 broker");
    }
}
