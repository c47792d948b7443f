package io.lwm2mgw.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Campaign leases against a real redis-server: one holder at a time, renewed by it, taken over once lapsed. */
class RedisCampaignLeaseTest {

    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();

    private static RedisCampaignLease lease(String replica, Duration length) {
        return new RedisCampaignLease(REDIS.server().call(), new RedisKeys("lwm2m"), replica, length);
    }

    @Test
    void one_replica_holds_a_campaign_until_it_releases_it() {
        RedisCampaignLease a = lease("gw-a", Duration.ofMinutes(1));
        RedisCampaignLease b = lease("gw-b", Duration.ofMinutes(1));

        assertThat(a.hold("spring")).isTrue();
        assertThat(b.hold("spring")).as("held by gw-a").isFalse();
        assertThat(a.hold("spring")).as("renewed by its holder").isTrue();
        assertThat(REDIS.server().call().call("GET", "lwm2m:campaign-lease:spring").toString()).isEqualTo("gw-a");

        b.release("spring"); // not its lease: nothing happens
        assertThat(b.hold("spring")).isFalse();
        a.release("spring");
        assertThat(b.hold("spring")).as("free once released").isTrue();
        assertThat(a.renewEvery()).contains(Duration.ofSeconds(20));
    }

    @Test
    void a_lease_its_holder_stops_renewing_goes_to_the_next_replica_that_asks() {
        RedisCampaignLease a = lease("gw-a", Duration.ofMillis(300));
        RedisCampaignLease b = lease("gw-b", Duration.ofMillis(300));
        assertThat(a.hold("autumn")).isTrue();
        assertThat(b.hold("autumn")).isFalse();

        await().atMost(Duration.ofSeconds(5)).until(() -> b.hold("autumn"));
        assertThat(a.hold("autumn")).as("gw-b holds it now").isFalse();
    }
}
