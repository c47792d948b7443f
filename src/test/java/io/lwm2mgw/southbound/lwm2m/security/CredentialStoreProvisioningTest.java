package io.lwm2mgw.southbound.lwm2m.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStoreListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreProvisioningTest {

    @TempDir
    Path dir;

    private static Credentials file(String json) {
        return Credentials.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static DeviceCredentials psk(String endpoint, String identity, String key) {
        return DeviceCredentials.psk(endpoint, identity, HexFormat.of().parseHex(key));
    }

    @Test
    void provisioned_entries_are_stored_and_come_back_in_a_new_store() throws Exception {
        CredentialStore store = new CredentialStore();
        store.replace(file("{\"devices\":[{\"endpoint\":\"a\",\"psk\":{\"identity\":\"a-id\",\"key\":\"0a\"}}]}"));
        store.enableProvisioning(new ProvisionedCredentialsFile(dir));
        assertThat(store.provision(psk("b", "b-id", "0b0b"))).isEmpty();
        assertThat(store.getByIdentity("b-id").getEndpoint()).isEqualTo("b");
        assertThat(store.getByIdentity("a-id").getEndpoint()).isEqualTo("a");
        assertThat(Files.readString(dir.resolve("provisioned.json"))).contains("\"b-id\"").doesNotContain("a-id");

        CredentialStore restarted = new CredentialStore();
        restarted.enableProvisioning(new ProvisionedCredentialsFile(dir));
        assertThat(restarted.byEndpoint("b").orElseThrow().sameAs(psk("b", "b-id", "0b0b"))).isTrue();

        assertThat(restarted.deprovision("b")).isEmpty();
        CredentialStore again = new CredentialStore();
        again.enableProvisioning(new ProvisionedCredentialsFile(dir));
        assertThat(again.byEndpoint("b")).isEmpty();
    }

    @Test
    void the_file_wins_and_identities_stay_unique() {
        CredentialStore store = new CredentialStore();
        store.enableProvisioning(new ProvisionedCredentialsFile(dir));
        store.replace(file("{\"devices\":[{\"endpoint\":\"a\",\"psk\":{\"identity\":\"a-id\",\"key\":\"0a\"}}]}"));
        assertThat(store.provision(psk("a", "other", "01"))).hasValueSatisfying(
                p -> assertThat(p).contains("has credentials in the credentials file"));
        assertThat(store.provision(psk("b", "a-id", "01"))).hasValueSatisfying(
                p -> assertThat(p).isEqualTo("PSK identity a-id is already used by endpoint a"));
        assertThat(store.provision(psk("b", "b-id", "0b"))).isEmpty();

        // a file reload that claims b: the file's entry serves, the provisioned one is shadowed but kept
        store.replace(file("{\"devices\":[{\"endpoint\":\"a\",\"psk\":{\"identity\":\"a-id\",\"key\":\"0a\"}},"
                + "{\"endpoint\":\"b\",\"psk\":{\"identity\":\"b-file\",\"key\":\"0c\"}}]}"));
        assertThat(store.getByEndpoint("b").getPskIdentity()).isEqualTo("b-file");
        assertThat(store.getByIdentity("b-id")).isNull();
        // and when the file lets go of b again, the provisioned entry is back
        store.replace(file("{\"devices\":[{\"endpoint\":\"a\",\"psk\":{\"identity\":\"a-id\",\"key\":\"0a\"}}]}"));
        assertThat(store.getByEndpoint("b").getPskIdentity()).isEqualTo("b-id");
    }

    @Test
    void replacing_or_removing_tells_leshan_the_old_credentials_are_compromised() {
        CredentialStore store = new CredentialStore();
        store.enableProvisioning(new ProvisionedCredentialsFile(dir));
        List<String> removed = new ArrayList<>();
        store.addListener(new SecurityStoreListener() {
            @Override
            public void securityInfoRemoved(boolean compromised, SecurityInfo... infos) {
                for (SecurityInfo info : infos) {
                    removed.add(info.getEndpoint() + (compromised ? " compromised" : ""));
                }
            }
        });
        store.provision(psk("b", "b-id", "0b"));
        assertThat(removed).isEmpty();
        store.provision(psk("b", "b-id", "0b"));
        assertThat(removed).as("the same credentials again change nothing").isEmpty();
        store.provision(psk("b", "b-id", "0c"));
        assertThat(removed).containsExactly("b compromised");
        store.deprovision("b");
        assertThat(removed).containsExactly("b compromised", "b compromised");
    }

    @Test
    void off_by_default_and_an_unreadable_store_stops_start_up() throws Exception {
        CredentialStore store = new CredentialStore();
        assertThat(store.provision(psk("b", "b-id", "0b"))).contains("credential provisioning is off");
        Files.writeString(dir.resolve("provisioned.json"), "{not json");
        assertThatThrownBy(() -> new CredentialStore().enableProvisioning(new ProvisionedCredentialsFile(dir)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("provisioned.json are unreadable");
    }
}
