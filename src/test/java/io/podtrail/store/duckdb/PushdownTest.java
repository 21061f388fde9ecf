package io.podtrail.store.duckdb;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a filter's page is planned: which conjuncts become key hints, when facts alone suffice, session bounds. */
class PushdownTest {

    private static final java.util.function.Function<SqlFragment, long[]> NO_LOOKUP = w -> {
        throw new AssertionError("no session conjunct, no lookup expected: " + w.sql());
    };

    @Test
    void emptyFilterReadsFactsAloneAndNoSessions() {
        Pushdown.Plan p = Pushdown.plan("", NO_LOOKUP);
        assertThat(p.factFilter()).isEqualTo(SqlFragment.TRUE);
        assertThat(p.hints()).isEqualTo(SqlFragment.TRUE);
        assertThat(p.readsSessions()).isFalse();
        assertThat(p.floor()).isNull();
    }

    @Test
    void dimensionConjunctsBecomeHintsAndTheRestStaysOnFacts() {
        Pushdown.Plan p = Pushdown.plan("k8s.pod.name = web-1 and proc.name = tcpdump and evt.type = execve", NO_LOOKUP);
        assertThat(p.hints().sql()).as("a pod selects facts by their own container key, not through processes")
                .startsWith("_ckey IN (SELECT _ckey FROM containers WHERE").contains("_pkey IN (SELECT _pkey FROM processes WHERE");
        assertThat(p.keySets()).extracting(Pushdown.KeySet::spans).containsExactly(FactSpans.PROCESSES);
        assertThat(p.hints().params()).containsExactly("web-1", "tcpdump");
        assertThat(p.factFilter().sql()).contains("evt_type").doesNotContain("proc_name").doesNotContain("k8s_pod_name");
        assertThat(p.factFilter().params()).containsExactly("execve");
        assertThat(p.readsSessions()).isFalse();
    }

    @Test
    void processAndPeerConjunctsBecomeKeySetsThatResolveSeparately() {
        Pushdown.Plan p = Pushdown.plan("k8s.ns.name = billing and proc.name = python3.12 and peer.known = false and evt.type = connect",
                NO_LOOKUP);
        assertThat(p.keySets()).extracting(Pushdown.KeySet::spans).containsExactly(FactSpans.PROCESSES, FactSpans.PEERS);
        assertThat(p.keySets().get(1).sql().sql()).startsWith("SELECT _nkey FROM peers WHERE");
        assertThat(p.keySets()).as("dimension rows are never changed or removed").allMatch(Pushdown.KeySet::onlyGrows);
        // the interpreter's processes too many to list, the unknown destinations three
        Pushdown.Plan r = p.resolve(java.util.Arrays.asList(null, List.of(161L, 183L, 184L)), "(%rid BETWEEN 0 AND 9)", 2);
        assertThat(r.unresolved()).extracting(Pushdown.KeySet::spans).containsExactly(FactSpans.PROCESSES);
        assertThat(r.anyResolved()).isTrue();
        assertThat(r.narrowHints().sql()).as("the namespace is no key set: it stays with the narrowing hints")
                .isEqualTo("_ckey IN (SELECT _ckey FROM containers WHERE k8s_ns_name = CAST(? AS VARCHAR)) AND _nkey IN (SELECT unnest(?::BIGINT[]))");
        assertThat(r.hints().sql()).startsWith("_ckey IN (SELECT _ckey FROM containers").contains("_pkey IN (SELECT _pkey FROM processes")
                .endsWith("_nkey IN (SELECT unnest(?::BIGINT[]))");
        assertThat(r.hints().params()).containsExactly("billing", "python3.12", List.of(161L, 183L, 184L));
        assertThat(r.resolvedHints().sql()).as("candidates checked whole in Java need only the resolved sets")
                .isEqualTo("_nkey IN (SELECT unnest(?::BIGINT[]))");
        assertThat(r.resolvedHints().params()).containsExactly(List.of(161L, 183L, 184L));
    }

    @Test
    void aConjunctOverTwoDimensionsNeedsTheView() {
        Pushdown.Plan p = Pushdown.plan("proc.name = sh or k8s.pod.name = web-1", NO_LOOKUP);
        assertThat(p.hints()).isEqualTo(SqlFragment.TRUE);
        assertThat(p.factFilter()).as("the sensor side goes through sensor_events").isNull();
    }

    @Test
    void fdNameIsLeftToTheViewBecauseConnectionsDoNotStoreIt() {
        assertThat(Pushdown.plan("fd.name = \"10.0.0.1:4000->10.96.0.1:443\"", NO_LOOKUP).factFilter()).isNull();
    }

    @Test
    void aSessionConjunctBoundsThePageByTheSessionsSpan() {
        List<String> asked = new ArrayList<>();
        Pushdown.Plan p = Pushdown.plan("session.id = s1 and evt.type = execve", w -> {
            asked.add(w.sql() + " " + w.params());
            return new long[] {5_000_000_000_000L, 6_000_000_000_000L};
        });
        assertThat(asked).singleElement().asString().contains("session_id").contains("[s1]");
        assertThat(p.floor()).isEqualTo(5_000_000_000_000L - Pushdown.SESSION_FLOOR_MARGIN_NS);
        assertThat(p.readsSessions()).isTrue();
        assertThat(p.factFilter()).as("the session conjunct is decided by its hint").isNotNull();
        assertThat(p.hints().sql()).as("the sessions' process keys, precomputed").contains("session_process_keys")
                .doesNotContain("FROM processes");
        assertThat(p.keySets()).singleElement().as("a session's processes can change: never remembered as large")
                .matches(k -> !k.onlyGrows());
        assertThat(p.apiHints().sql()).contains("ka_auditid IN").contains("evt_time BETWEEN " + p.floor() + " AND "
                + (6_000_000_000_000L + Pushdown.SESSION_FLOOR_MARGIN_NS));
    }

    @Test
    void noMatchingSessionMeansNoRows() {
        Pushdown.Plan p = Pushdown.plan("session.user.name = nobody", w -> Pushdown.NO_SESSION);
        assertThat(p.floor()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aSessionWithoutStartLeavesThePageUnbounded() {
        Pushdown.Plan p = Pushdown.plan("session.id = s1", w -> null);
        assertThat(p.floor()).isNull();
        assertThat(p.hints().sql()).doesNotContain("proc_pid_ts");
    }

    @Test
    void aConditionTrueWithoutASessionIsNotHinted() {
        // events without a session match it, so it cannot be decided on the sessions' processes
        Pushdown.Plan p = Pushdown.plan("not session.id = s1", NO_LOOKUP);
        assertThat(p.hints()).isEqualTo(SqlFragment.TRUE);
        assertThat(p.factFilter()).isNull();
        assertThat(p.readsSessions()).isTrue();
    }
}
