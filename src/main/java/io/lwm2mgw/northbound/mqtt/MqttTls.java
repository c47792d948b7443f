package io.lwm2mgw.northbound.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import io.lwm2mgw.config.MqttConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the HiveMQ client's TLS settings from {@code gateway.mqtt.tls.*}; a bad store names its key. */
final class MqttTls {

    private MqttTls() {
    }

    static MqttClientSslConfig sslConfig(MqttConfig.TlsConfig tls) {
        MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder();
        if (tls.trustStore().isPresent()) {
            KeyStore store = load(tls.trustStore().get(), tls.trustStorePassword(), "gateway.mqtt.tls.trust-store");
            try {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                builder = builder.trustManagerFactory(trust);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("gateway.mqtt.tls.trust-store: " + e.getMessage());
            }
        }
        if (tls.keyStore().isPresent()) {
            KeyStore store = load(tls.keyStore().get(), tls.keyStorePassword(), "gateway.mqtt.tls.key-store");
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, tls.keyStorePassword().orElse("").toCharArray());
                builder = builder.keyManagerFactory(keys);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("gateway.mqtt.tls.key-store: " + e.getMessage());
            }
        }
        if (!tls.hostnameVerification()) {
            builder = builder.hostnameVerifier((host, session) -> true);
        }
        return builder.build();
    }

    /** PKCS#12 or JKS, whichever the file is. */
    static KeyStore load(Path file, Optional<String> password, String key) {
        try {
            return KeyStore.getInstance(file.toFile(), password.orElse("").toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(key + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }
}
