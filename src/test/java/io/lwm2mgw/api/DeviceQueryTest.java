package io.lwm2mgw.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Filters, sort order and cursor paging of the device list. */
class DeviceQueryTest {

    private static DeviceStatus status(String endpoint, DeviceState state, boolean queueMode, String... objects) {
        return new DeviceStatus(EndpointName.of(endpoint), state, "reg-" + endpoint, "1.1", "U", 300, queueMode,
                "127.0.0.1:5683", Optional.empty(), Optional.empty(), List.of(objects));
    }

    private static final List<DeviceStatus> FLEET = List.of(
            status("meter-2", DeviceState.SLEEPING, true, "/1/0", "/3/0"),
            status("lamp-10", DeviceState.REGISTERED, false, "/1/0", "/3/0", "/3311/0"),
            status("lamp-1", DeviceState.REGISTERED, false, "/1/0", "/3/0", "/3311/0", "/3311/1"),
            status("meter-1", DeviceState.AWAKE, true, "/1/0", "/3/0", "/3303"),
            status("urn:imei:1/2", DeviceState.REGISTERED, false, "/3/0"));

    private static List<String> names(DeviceQuery.Page page) {
        return page.items().stream().map(s -> s.endpoint().value()).toList();
    }

    private static DeviceQuery.Page query(String state, String queueMode, String object, String endpoint) {
        return DeviceQuery.parse(state, queueMode, object, endpoint, null, null).apply(FLEET);
    }

    @Test
    void everything_sorted_by_endpoint_without_filters() {
        DeviceQuery.Page page = query(null, null, null, null);
        assertThat(names(page)).containsExactly("lamp-1", "lamp-10", "meter-1", "meter-2", "urn:imei:1/2");
        assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void filters_combine() {
        assertThat(names(query("sleeping", null, null, null))).containsExactly("meter-2");
        assertThat(names(query(null, "true", null, null))).containsExactly("meter-1", "meter-2");
        assertThat(names(query(null, null, "3311", null))).containsExactly("lamp-1", "lamp-10");
        // an object announced without an instance has no instance of it
        assertThat(names(query(null, null, "3303", null))).isEmpty();
        assertThat(names(query("registered", "false", "3", "lamp"))).containsExactly("lamp-1", "lamp-10");
    }

    @Test
    void endpoint_is_a_prefix_or_a_glob() {
        assertThat(names(query(null, null, null, "meter-"))).containsExactly("meter-1", "meter-2");
        assertThat(names(query(null, null, null, "*-1"))).containsExactly("lamp-1", "meter-1");
        assertThat(names(query(null, null, null, "lamp-?"))).containsExactly("lamp-1");
        assertThat(names(query(null, null, null, "urn:imei:1/*"))).containsExactly("urn:imei:1/2");
        assertThat(names(query(null, null, null, "(.*)"))).isEmpty(); // regex characters are literal
    }

    @Test
    void pages_follow_their_cursor_to_the_end_without_repeating_or_skipping() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            DeviceQuery.Page page = DeviceQuery.parse(null, null, null, null, "2", cursor).apply(FLEET);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            seen.addAll(names(page));
            cursor = page.nextCursor().orElse(null);
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("lamp-1", "lamp-10", "meter-1", "meter-2", "urn:imei:1/2");
    }

    @Test
    void bad_parameters_are_refused_with_what_is_wrong() {
        assertThatThrownBy(() -> DeviceQuery.parse("asleep", null, null, null, null, null))
                .hasMessageContaining("'state'");
        assertThatThrownBy(() -> DeviceQuery.parse(null, "yes", null, null, null, null))
                .hasMessageContaining("'queueMode'");
        assertThatThrownBy(() -> DeviceQuery.parse(null, null, "70000", null, null, null))
                .hasMessageContaining("'object'");
        assertThatThrownBy(() -> DeviceQuery.parse(null, null, null, null, "1001", null))
                .hasMessageContaining("'limit'");
        assertThatThrownBy(() -> DeviceQuery.parse(null, null, null, null, null, "bWVo"))
                .hasMessageContaining("'cursor'");
    }
}
