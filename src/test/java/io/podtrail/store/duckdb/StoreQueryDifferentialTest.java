package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterException;
import io.podtrail.store.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's read path against the filter evaluator: random events (half of them sensor events stored in facts
 * and the dimensions, half kept whole in wide_events) are appended to a real trail, then random filters are asked
 * of it. Every page is planned (facts alone or through the views, semi-join hints, session floors) and read back
 * by row position ({@link PageRows}), so this checks both that the plan selects exactly the rows the evaluator
 * selects, and that the rows come back with the values that were stored.
 */
class StoreQueryDifferentialTest {

    private static final long SEED = 20261127L;
    private static final int EVENTS = 1200;
    private static final int FILTERS = 150;

    @Test
    void plannedQueriesAgreeWithTheEvaluator(@TempDir Path dir) {
        check(dir, 1, DuckDbEventStore.MAX_RESOLVED_KEYS);
    }

    /**
     * The same over a trail appended in several batches (so the spans of processes and peers differ) where any key
     * set of more than two keys counts as large: pages mix resolved sets, their spans, and large sets checked on
     * the candidates the others leave, or as semi-joins when there are too many.
     */
    @Test
    void plannedQueriesAgreeWithTheEvaluatorWhenKeySetsAreLarge(@TempDir Path dir) {
        check(dir, 7, 2);
    }

    private static void check(Path dir, int batches, int maxResolvedKeys) {
        Random rnd = new Random(Long.getLong("podtrail.diff.seed", SEED));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Event e = DuckDbFilterSqlDifferentialTest.event(rnd, i + 1);
            for (Field f : Fields.stored()) {
                // session.* come from the correlator's tables, not from the event; half the events are plain sensor events
                if (Schema.isSession(f) || (i % 2 == 0 && Schema.isRare(f))) {
                    e.set(f, null);
                }
            }
            if (i % 4 == 0) {
                // a connection: its fd.name is not stored but put back from the peer and the client port
                e.set(Fields.FD_CIP, "10.0.0." + rnd.nextInt(4)).set(Fields.FD_SIP, "10.96.0." + rnd.nextInt(4))
                        .set(Fields.FD_SPORT, rnd.nextBoolean() ? 443L : null).set(Fields.FD_CPORT, (long) rnd.nextInt(3) + 40000);
                e.set(Fields.FD_NAME, e.get(Fields.FD_CIP) + ":" + e.get(Fields.FD_CPORT) + "->" + e.get(Fields.FD_SIP) + ":"
                        + (e.get(Fields.FD_SPORT) == null ? "" : e.get(Fields.FD_SPORT)));
            }
            e.set(Fields.TIME, TestEvents.T0 + rnd.nextInt(EVENTS * 10) * 1_000_000L);
            events.add(e);
        }
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            store.maxResolvedKeys(maxResolvedKeys);
            for (int b = 0; b < batches; b++) {
                store.append(events.subList(b * EVENTS / batches, (b + 1) * EVENTS / batches));
            }
            List<Event> stored = all(store, "");
            assertThat(stored).hasSize(EVENTS);
            List<Event> byId = new ArrayList<>(stored);
            byId.sort(Comparator.comparingLong(Event::id));
            for (int i = 0; i < EVENTS; i++) {
                Event in = events.get(i);
                Event out = byId.get(i);
                for (Field f : Fields.stored()) {
                    assertThat(out.get(f)).as("event %d field %s", in.id(), f.name()).isEqualTo(in.get(f));
                }
            }
            int nonTrivial = 0;
            for (int i = 0; i < FILTERS; i++) {
                // every third a conjunction of plain checks: conjuncts over different dimensions next to facts' own
                String text = i % 3 == 2
                        ? DuckDbFilterSqlDifferentialTest.expr(rnd, 3) + " and " + DuckDbFilterSqlDifferentialTest.expr(rnd, 3) + " and "
                                + DuckDbFilterSqlDifferentialTest.expr(rnd, 3)
                        : DuckDbFilterSqlDifferentialTest.expr(rnd, 0);
                java.util.function.Predicate<Event> eval;
                try {
                    eval = FilterEvaluator.of(Filter.compile(text));
                } catch (FilterException e) {
                    continue;
                }
                List<Long> expected = stored.stream().filter(eval).map(Event::id).sorted().toList();
                List<Long> actual = all(store, text).stream().map(Event::id).sorted().toList();
                assertThat(actual).as("filter #%d: %s", i, text).isEqualTo(expected);
                if (!expected.isEmpty() && expected.size() < EVENTS) {
                    nonTrivial++;
                }
            }
            assertThat(nonTrivial).as("filters that split the events").isGreaterThan(FILTERS / 4);
            if (maxResolvedKeys < DuckDbEventStore.MAX_RESOLVED_KEYS) {
                assertThat(store.pagesFromCandidates()).as("pages whose large key sets were checked on candidates").isPositive();
            }
        }
    }

    private static List<Event> all(EventStore store, String filter) {
        List<Event> out = new ArrayList<>();
        String cursor = null;
        do {
            EventStore.EventPage page = store.query(new EventQuery(filter, null, null, 211, cursor));
            out.addAll(page.events());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }
}
