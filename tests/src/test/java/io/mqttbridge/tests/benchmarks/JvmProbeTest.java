package io.mqttbridge.tests.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JvmProbeTest {

    @Test
    void countsTheCollectorsPausesWithinItsWindowOnly() throws Exception {
        long opened = System.nanoTime();
        JvmProbe probe = JvmProbe.start(100);
        System.gc(); // a full collection: one stop-the-world pause at least
        probe.close();
        long windowMillis = (System.nanoTime() - opened) / 1_000_000 + 1;
        System.gc(); // after the window: not counted
        assertThat(probe.gcPauses()).isGreaterThanOrEqualTo(1);
        long counted = probe.gcPauses();
        System.gc();
        assertThat(probe.gcPauses()).as("closed: later pauses do not count").isEqualTo(counted);
        assertThat(probe.gcMaxMs()).as("a pause within the window, in ms").isBetween(0L, windowMillis);
    }

    @Test
    void aWindowWithoutCollectionsHasNoPauses() throws Exception {
        System.gc(); // before the window: not counted
        JvmProbe probe = JvmProbe.start(100);
        probe.close();
        assertThat(probe.gcPauses()).isZero();
        assertThat(probe.gcMaxMs()).isZero();
    }

    @Test
    void pausesAreCountedOnlyOnceTheWindowIsClosed() {
        JvmProbe probe = JvmProbe.start(100);
        assertThatThrownBy(probe::gcPauses).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void countsThePausesOfG1sConcurrentCycleThatItsMxBeansMiss() throws Exception {
        assumeTrue(ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1")),
                "runs on G1");
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long collections = collections();
        JvmProbe probe = JvmProbe.start(100);
        // G1's periodic collection starts a concurrent cycle (a young pause, then remark and cleanup) once no
        // collection ran for the interval
        vm.setVMOption("G1PeriodicGCInterval", "200");
        try {
            Thread.sleep(3_000);
        } finally {
            vm.setVMOption("G1PeriodicGCInterval", "0");
        }
        probe.close();
        long counted = collections() - collections;
        assertThat(counted).as("collections the MXBeans saw").isGreaterThanOrEqualTo(1);
        assertThat(probe.gcPauses()).as("pauses, remark and cleanup included").isGreaterThanOrEqualTo(counted + 2);
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }
}
