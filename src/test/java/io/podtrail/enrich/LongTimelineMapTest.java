package io.podtrail.enrich;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LongTimelineMapTest {

    @Test
    void keepsEveryKeyAcrossResizes() {
        LongTimelineMap m = new LongTimelineMap();
        Map<Long, Timeline> expected = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            long k = i % 3 == 0 ? i : rnd.nextLong(1L << 48);
            Timeline t = m.computeIfAbsent(k);
            assertThat(expected.computeIfAbsent(k, x -> t)).isSameAs(t);
        }
        expected.forEach((k, t) -> assertThat(m.get(k)).isSameAs(t));
        assertThat(m.get(1L << 50)).isNull();
        Map<Long, Timeline> seen = new HashMap<>();
        m.forEach(seen::put);
        assertThat(seen).isEqualTo(expected);
    }
}
