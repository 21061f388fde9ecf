package io.podtrail.enrich;

import io.podtrail.enrich.HistoryRecord.Kind;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers take no lock while a source writes: a reader must never see a torn timeline (a value for a time it
 * was not valid) nor fail, while the writer opens and closes intervals and grows the tables.
 */
class ConcurrentReadWriteTest {

    private static final long S = 1_000_000_000L;

    @Test
    void readersSeeConsistentAnswersWhileAWriterGrowsTheHistory() throws InterruptedException {
        ClusterHistory h = new ClusterHistory();
        int ips = 2_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                while (!done.get()) {
                    for (int i = 0; i < ips; i++) {
                        // generation g of IP i is pod "g-i", valid [g*100, g*100+100) once closed; while the writer
                        // is between opening and closing one, it is open-ended, so t=250 may see generations 0..2,
                        // never a later one (it starts after t) and never another IP's pod
                        long t = 250 * S + i;
                        Ref r = h.podByIp("c", ip(i), t);
                        if (r != null && !(r.uid().endsWith("-" + i) && r.uid().charAt(0) <= '2')) {
                            throw new AssertionError("at " + t + " " + ip(i) + " was " + r.uid());
                        }
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int g = 0; g < 5; g++) {
            for (int i = 0; i < ips; i++) {
                h.apply(new HistoryRecord(Kind.POD_IP, "c", ip(i), Map.of("uid", g + "-" + i), g * 100 * S, HistoryRecord.OPEN));
                h.close(Kind.POD_IP, "c", ip(i), (g * 100 + 100) * S);
            }
        }
        done.set(true);
        reader.join(10_000);
        assertThat(failure.get()).isNull();
        for (int i = 0; i < ips; i++) {
            assertThat(h.podByIp("c", ip(i), 250 * S).uid()).isEqualTo("2-" + i);
        }
    }

    private static String ip(int i) {
        return "10.1." + (i >>> 8) + "." + (i & 255);
    }
}
