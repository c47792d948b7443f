package io.lwm2mgw.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.device.EndpointName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeviceLanesTest {

    private final DeviceLanes lanes = new DeviceLanes();
    private final EndpointName lamp = new EndpointName("lamp-1");

    @Test
    void a_device_runs_its_tasks_one_at_a_time_in_order_and_leaves_no_lane_when_idle() {
        List<String> started = new ArrayList<>();
        List<Runnable> releases = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            lanes.submit(lamp, release -> {
                started.add(name);
                releases.add(release);
            });
        }
        assertThat(started).containsExactly("a");
        assertThat(lanes.busy(lamp)).isTrue();

        releases.get(0).run();
        releases.get(0).run(); // a second release of the same task changes nothing
        assertThat(started).containsExactly("a", "b");
        releases.get(1).run();
        releases.get(2).run();

        assertThat(started).containsExactly("a", "b", "c");
        assertThat(lanes.busy(lamp)).isFalse();
        assertThat(lanes.active()).isZero();
    }

    @Test
    void tasks_that_release_at_once_hand_over_without_recursion() {
        AtomicInteger ran = new AtomicInteger();
        List<Runnable> held = new ArrayList<>();
        lanes.submit(lamp, held::add);
        for (int i = 0; i < 100_000; i++) {
            lanes.submit(lamp, release -> {
                ran.incrementAndGet();
                release.run();
            });
        }
        held.get(0).run();
        assertThat(ran).hasValue(100_000);
        assertThat(lanes.active()).isZero();
    }

    @Test
    void submits_and_releases_from_many_threads_run_every_task_once_and_never_two_at_a_time() throws Exception {
        int devices = 8;
        int perDevice = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger[] inFlight = new AtomicInteger[devices];
        ConcurrentLinkedQueue<String> overlaps = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(devices * perDevice);
        for (int d = 0; d < devices; d++) {
            inFlight[d] = new AtomicInteger();
        }
        for (int i = 0; i < devices * perDevice; i++) {
            int d = i % devices;
            EndpointName ep = new EndpointName("dev-" + d);
            pool.execute(() -> lanes.submit(ep, release -> {
                if (inFlight[d].incrementAndGet() != 1) {
                    overlaps.add(ep.value());
                }
                pool.execute(() -> {
                    inFlight[d].decrementAndGet();
                    done.countDown();
                    release.run();
                });
            }));
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps).isEmpty();
        assertThat(lanes.active()).isZero();
    }
}
