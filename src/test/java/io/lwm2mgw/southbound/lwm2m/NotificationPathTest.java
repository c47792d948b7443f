package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.device.Lwm2mPath;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.junit.jupiter.api.Test;

class NotificationPathTest {

    @Test
    void everyDepthMapsToTheSameLevels() {
        assertThat(NotificationListener.toDomain(LwM2mPath.ROOTPATH)).isEqualTo(Lwm2mPath.parse("/"));
        assertThat(NotificationListener.toDomain(new LwM2mPath(3303))).isEqualTo(Lwm2mPath.parse("/3303"));
        assertThat(NotificationListener.toDomain(new LwM2mPath(3303, 0))).isEqualTo(Lwm2mPath.parse("/3303/0"));
        assertThat(NotificationListener.toDomain(new LwM2mPath(3303, 0, 5700)))
                .isEqualTo(Lwm2mPath.parse("/3303/0/5700"));
        assertThat(NotificationListener.toDomain(new LwM2mPath(65535, 65534, 65533, 65532)))
                .isEqualTo(Lwm2mPath.parse("/65535/65534/65533/65532"));
    }
}
