package io.podtrail.event;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

    @Test
    void theHashIsFoundAgainFromTheIdAndItsTime() {
        SplittableRandom r = new SplittableRandom(7);
        long[] times = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1_772_893_590_035_290_402L};
        for (long t : times) {
            for (int i = 0; i < 1000; i++) {
                long hash = r.nextLong();
                long id = EventIds.derive(t, hash);
                assertThat(EventIds.hashOf(id, t)).isEqualTo((int) (hash & 0x7FFF_FFFFL));
            }
            assertThat(EventIds.hashOf(EventIds.derive(t, 0), t)).isZero();
            assertThat(EventIds.hashOf(EventIds.derive(t, -1), t)).isEqualTo(Integer.MAX_VALUE);
        }
    }

    @Test
    void anIdOfAnotherFormIsNotMistakenForADerivedOne() {
        SplittableRandom r = new SplittableRandom(11);
        long t = 1_772_893_590_035_290_402L;
        for (int i = 0; i < 100_000; i++) {
            assertThat(EventIds.hashOf(r.nextLong(), t)).isEqualTo(-1); // a random id has the form with p = 2^-31
        }
        // small ids given by the input, and a derived id read with another time
        assertThat(EventIds.hashOf(1, t)).isEqualTo(-1);
        assertThat(EventIds.hashOf(EventIds.derive(t, 12345), t + 1)).isEqualTo(-1);
    }

    @Test
    void eventsCloseInTimeOrAtTheSameTimeGetDistinctIds() {
        SplittableRandom r = new SplittableRandom(3);
        Set<Long> ids = new HashSet<>();
        long t0 = 1_772_893_590_000_000_000L;
        // a million events at microsecond times within five seconds (many share a time), random record hashes
        for (int i = 0; i < 1_000_000; i++) {
            long t = t0 + r.nextLong(5_000_000) * 1000;
            assertThat(ids.add(EventIds.derive(t, r.nextLong()))).isTrue();
        }
        // at one time, distinct 31-bit hashes never share an id
        Set<Long> same = new HashSet<>();
        for (long h = 0; h < 100_000; h++) {
            same.add(EventIds.derive(t0, h * 21_467));
        }
        assertThat(same).hasSize(100_000);
    }
}
