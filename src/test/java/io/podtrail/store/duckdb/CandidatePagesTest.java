package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A filter that names a large set of processes (every worker's) next to a small one (a command, a destination):
 * the page is found from the small set's facts, and the large set is checked on just their keys (or, for up to a
 * page's worth of candidates, on the candidates read whole). The answers must be exactly the evaluator's, page after
 * page, whichever set is large; and so must they be when a namespace or pod selects facts by their container key.
 */
class CandidatePagesTest {

    private static final String RARE_DESTINATION = "203.0.113.9";

    @Test
    void largeSetsCheckedOnTheCandidatesOfSmallOnes(@TempDir Path dir) throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1800; i++) {
            events.add(event(i));
        }
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            store.maxResolvedKeys(8); // the workers are 600 processes, curl 3 (one per namespace), a destination 1
            for (int b = 0; b < 6; b++) {
                store.append(events.subList(b * 300, (b + 1) * 300));
            }
            List<Event> stored = TestEvents.allPages(store, "", 500);
            assertThat(stored).hasSize(events.size());
            long whole = store.pagesCheckedWhole();
            long before = store.pagesFromCandidates();
            check(store, stored, LARGE_AND_SMALL, true);
            // both checks ran: candidates read whole (pages of 1000) and asked of the large sets (pages of 7)
            assertThat(store.pagesCheckedWhole()).isGreaterThan(whole);
            assertThat(store.pagesFromCandidates() - before).isGreaterThan(store.pagesCheckedWhole() - whole);
            // a namespace or a pod is not a set of processes: facts are selected by their container key (either way)
            long wholeBefore = store.pagesCheckedWhole();
            check(store, stored, BY_CONTAINER, null);
            // a destination's few facts with no large set beside them: read whole too (the page's rows in one statement)
            assertThat(store.pagesCheckedWhole()).isGreaterThan(wholeBefore);
            // more candidates than a page may check: the same answers through the semi-joins
            store.maxCandidates(3);
            check(store, stored, LARGE_AND_SMALL, false);
        }
    }

    /** A large set of processes (the workers, or all but one) next to a small set of processes or peers. */
    private static final List<String> LARGE_AND_SMALL = List.of(
            "proc.cmdline != \"worker 5\" and proc.name = curl",
            "proc.cmdline != \"worker 5\" and proc.name = curl and evt.type = connect",
            "proc.name = worker and fd.sip = " + RARE_DESTINATION,
            "proc.name in (worker, sh) and fd.sip = " + RARE_DESTINATION + " and evt.type = connect",
            "proc.cmdline startswith worker and fd.sip = " + RARE_DESTINATION,
            "proc.cmdline != \"worker 5\" and proc.name = curl and fd.sport = 443");

    private static final List<String> BY_CONTAINER = List.of(
            "k8s.ns.name = ns1 and proc.name = curl",
            "k8s.ns.name = ns1 and fd.sip = " + RARE_DESTINATION,
            "k8s.ns.name in (ns0, ns2) and fd.sip = " + RARE_DESTINATION + " and evt.type = connect",
            "k8s.pod.name = ns2-pod and evt.type = connect",
            "k8s.ns.name = ns2 and proc.cmdline != \"worker 5\" and evt.type = connect");

    /** fromCandidates: whether every page must be found from candidates (true), none (false), or either (null). */
    private static void check(DuckDbEventStore store, List<Event> stored, List<String> filters, Boolean fromCandidates) throws Exception {
        for (String filter : filters) {
            long before = store.pagesFromCandidates();
            List<Long> expected = stored.stream().filter(FilterEvaluator.of(Filter.compile(filter))).map(Event::id).toList();
            assertThat(expected).as(filter).isNotEmpty().hasSizeLessThan(stored.size() / 3);
            for (int limit : List.of(7, 1000)) {
                // pages in the store's order, so the ids must come in the same order as the evaluator's
                assertThat(TestEvents.allPages(store, filter, limit).stream().map(Event::id).toList()).as("%s, pages of %d", filter, limit)
                        .isEqualTo(expected);
            }
            if (fromCandidates == null) {
                continue;
            }
            if (fromCandidates) {
                assertThat(store.pagesFromCandidates()).as("%s found from candidates", filter).isGreaterThan(before);
            } else {
                assertThat(store.pagesFromCandidates()).as("%s found through semi-joins", filter).isEqualTo(before);
            }
        }
    }

    /** Every 10th event a curl; most connect to one of three services, every 37th to the rare destination. */
    private static Event event(int i) {
        String ns = "ns" + (i % 3);
        boolean curl = i % 10 == 0;
        boolean connect = i % 2 == 0;
        Event e = new Event().kind(connect ? EventKind.NETWORK_CONNECT : EventKind.PROCESS_EXEC)
                .set(Fields.ID, (long) i + 1)
                .set(Fields.TIME, TestEvents.T0 + i * 1_000_000_000L)
                .set(Fields.FORMAT, "tetragon")
                .set(Fields.TYPE, connect ? "connect" : "execve")
                .set(Fields.K8S_NS_NAME, ns)
                .set(Fields.K8S_POD_NAME, ns + "-pod")
                .set(Fields.PROC_NAME, curl ? "curl" : "worker")
                .set(Fields.PROC_CMDLINE, curl ? "curl -s" : "worker " + (i / 3))
                .set(Fields.PROC_EXEC_ID, curl ? "curl-" + ns : "exec-" + (i / 3))
                .raw("{\"i\":" + i + "}");
        if (connect) {
            String sip = i % 37 == 0 ? RARE_DESTINATION : "10.96.0." + (i % 3);
            e.set(Fields.FD_SIP, sip).set(Fields.FD_SPORT, 443L).set(Fields.FD_CIP, "10.0.0." + (i % 3))
                    .set(Fields.FD_CPORT, 40_000L + i).set(Fields.FD_L4PROTO, "tcp")
                    .set(Fields.FD_NAME, "10.0.0." + (i % 3) + ":" + (40_000 + i) + "->" + sip + ":443");
        }
        return e;
    }
}
