package io.podtrail.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterException;
import io.podtrail.query.IpNumbers;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Named semantic cases, each checked on both backends (DuckDB SQL and {@link FilterEvaluator}).
 *
 * <pre>
 * id 1  exec     proc.name=bash  pid 10                        (container process)
 * id 2  exec     proc.name=curl  pid 20  cmdline "curl -s x"
 * id 3  k8s_api  no proc.*; ka.uri exec with command=sh&command=-c, groups [system:masters, dev]
 * id 4  connect  sip ::ffff:10.0.0.1:443, cip 192.168.1.5
 * id 5  accept   sip 10.0.0.9:22, cip 172.16.0.3
 * id 6  exec     proc.name = "x' OR 1=1 --"
 * id 7  k8s_api  groups [] (empty), ka.uri with command=ba%20sh
 * id 8  file     fd.name /etc/passwd, pod label app=nginx
 * </pre>
 */
class DuckDbFilterSqlTest {

    private static DuckDbTestTable table;
    private static final List<Event> EVENTS = List.of(
            ev(1, EventKind.PROCESS_EXEC).set(Fields.PROC_NAME, "bash").set(Fields.PROC_PID, 10L),
            ev(2, EventKind.PROCESS_EXEC).set(Fields.PROC_NAME, "curl").set(Fields.PROC_PID, 20L)
                    .set(Fields.PROC_CMDLINE, "curl -s x"),
            ev(3, EventKind.K8S_API).set(Fields.KA_URI, "/api/v1/namespaces/d/pods/p/exec?command=sh&command=-c&stdin=true")
                    .set(Fields.KA_USER_GROUPS, List.of("system:masters", "dev")),
            ev(4, EventKind.NETWORK_CONNECT).set(Fields.FD_SIP, "::ffff:10.0.0.1").set(Fields.FD_SPORT, 443L)
                    .set(Fields.FD_CIP, "192.168.1.5").set(Fields.FD_CPORT, 40000L),
            ev(5, EventKind.NETWORK_ACCEPT).set(Fields.FD_SIP, "10.0.0.9").set(Fields.FD_SPORT, 22L)
                    .set(Fields.FD_CIP, "172.16.0.3").set(Fields.FD_CPORT, 50000L),
            ev(6, EventKind.PROCESS_EXEC).set(Fields.PROC_NAME, "x' OR 1=1 --"),
            ev(7, EventKind.K8S_API).set(Fields.KA_USER_GROUPS, List.of()).set(Fields.KA_URI, "/x?command=ba%20sh"),
            ev(8, EventKind.FILE).set(Fields.FD_NAME, "/etc/passwd").set(Fields.K8S_POD_LABELS, Map.of("app", "nginx")));

    private static Event ev(long id, EventKind kind) {
        return new Event().set(Fields.ID, id).kind(kind);
    }

    @BeforeAll
    static void load() throws SQLException {
        table = new DuckDbTestTable();
        table.insert(EVENTS);
    }

    @AfterAll
    static void close() throws SQLException {
        table.close();
    }

    private static void assertMatches(String filter, Long... ids) throws Exception {
        Filter f = Filter.compile(filter);
        List<Long> mem = EVENTS.stream().filter(FilterEvaluator.of(f)).map(Event::id).toList();
        assertThat(mem).as("evaluator: " + filter).containsExactly(ids);
        assertThat(table.ids(DuckDbFilterSql.compile(f))).as("SQL: " + filter).containsExactly(ids);
    }

    @Test
    void missingFieldMakesEveryComparisonFalseButNotStaysTwoValued() throws Exception {
        assertMatches("proc.name = bash", 1L);
        assertMatches("proc.name != bash", 2L, 6L);
        assertMatches("not proc.name = bash", 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertMatches("not proc.name != bash", 1L, 3L, 4L, 5L, 7L, 8L);
        assertMatches("not (proc.name = bash or proc.pid > 15)", 3L, 4L, 5L, 6L, 7L, 8L);
        assertMatches("not (proc.name = curl and proc.pid > 15)", 1L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void notApplicableValue() throws Exception {
        assertMatches("proc.name = <NA>", 3L, 4L, 5L, 7L, 8L);
        assertMatches("proc.name != <NA>", 1L, 2L, 6L);
        assertMatches("proc.name exists", 1L, 2L, 6L);
    }

    @Test
    void valuesAreBoundNeverSpliced() throws Exception {
        Filter f = Filter.compile("proc.name = \"x' OR 1=1 --\"");
        SqlFragment sql = DuckDbFilterSql.compile(f);
        assertThat(sql.sql()).doesNotContain("OR 1=1").doesNotContain("'x");
        assertThat(sql.params()).containsExactly("x' OR 1=1 --");
        assertMatches("proc.name = \"x' OR 1=1 --\"", 6L);
        assertMatches("proc.name in (\"x' OR 1=1 --\", \"'); DROP TABLE events; --\")", 6L);
        assertMatches("ka.uri.param[\"x') OR TRUE --\"] exists");
        assertMatches("k8s.pod.label[\"') OR TRUE --\"] exists");
        assertThat(table.ids(DuckDbFilterSql.compile(Filter.ALL))).hasSize(EVENTS.size());
    }

    @Test
    void ipAddressesCompareAsNumbersAndCidrs() throws Exception {
        assertMatches("fd.sip = 10.0.0.1", 4L);
        assertMatches("fd.sip = ::ffff:10.0.0.1", 4L);
        assertMatches("fd.sip = 10.0.0.0/8", 4L, 5L);
        assertMatches("fd.snet in (10.0.0.0/30, 172.16.0.0/12)", 4L);
        assertMatches("fd.net = 172.16.0.0/12", 5L);
        assertMatches("fd.rip = 172.16.0.3", 5L);
        assertMatches("fd.lip = 192.168.1.5", 4L);
        assertMatches("fd.rport in (443, 50000)", 4L, 5L);
        assertMatches("fd.lport = 22", 5L);
        assertMatches("fd.sip != 10.0.0.1", 5L);
    }

    @Test
    void ipNumberMapping() {
        BigInteger v4 = IpNumbers.toNumber("10.0.0.1");
        assertThat(v4).isEqualTo(IpNumbers.toNumber("::ffff:10.0.0.1")).isEqualTo(IpNumbers.toNumber("::FFFF:a00:1"));
        assertThat(v4).isEqualTo(BigInteger.valueOf(0xFFFF_0A00_0001L));
        assertThat(IpNumbers.toNumber("::")).isEqualTo(BigInteger.ZERO);
        assertThat(IpNumbers.toNumber("fe80::1")).isNegative();
        assertThat(IpNumbers.toNumber("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isEqualTo(BigInteger.ONE.negate());
        assertThat(IpNumbers.toNumber("fd00::1")).isNegative();
        assertThat(IpNumbers.range("fd00::/8").contains(IpNumbers.toNumber("fd12::1"))).isTrue();
        assertThat(IpNumbers.range("::/0").contains(IpNumbers.toNumber("fe80::1"))).isTrue();
        assertThat(IpNumbers.range("::/0").contains(IpNumbers.toNumber("10.0.0.1"))).isTrue();
        assertThat(IpNumbers.toNumber("example.com")).isNull();
        assertThat(IpNumbers.toNumber("1.2.3")).isNull();
        assertThat(IpNumbers.toNumber("1::2::3")).isNull();
        assertThat(IpNumbers.toNumber("256.0.0.1")).isNull();
        assertThat(IpNumbers.range("10.0.0.0/8").contains(IpNumbers.toNumber("10.255.255.255"))).isTrue();
        assertThat(IpNumbers.range("10.0.0.0/8").contains(IpNumbers.toNumber("11.0.0.0"))).isFalse();
        assertThat(IpNumbers.range("10.0.0.0/33")).isNull();
    }

    @Test
    void uriParametersTakeTheFirstOccurrenceDecoded() throws Exception {
        assertMatches("ka.uri.param[command] = sh", 3L);
        assertMatches("ka.uri.param[command] = -c");
        assertMatches("ka.uri.param[command] = \"ba sh\"", 7L);
        assertMatches("ka.uri.param[stdin] = true", 3L);
        assertMatches("not ka.uri.param[stdin] = true", 1L, 2L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void listFieldsFollowFalcoK8sAuditSemantics() throws Exception {
        assertMatches("ka.user.groups = dev", 3L);
        assertMatches("ka.user.groups contains dev", 3L);
        assertMatches("ka.user.groups intersects (dev, x)", 3L);
        assertMatches("ka.user.groups in (dev, x)");
        assertMatches("ka.user.groups in (dev, system:masters, x)", 3L);
        assertMatches("ka.user.groups exists", 3L);
        assertMatches("ka.user.groups != dev");
        assertMatches("ka.user.groups != x", 3L);
    }

    @Test
    void derivedFileAndLabelFields() throws Exception {
        assertMatches("fd.directory = /etc and fd.filename = passwd", 8L);
        assertMatches("fd.name pmatch (/etc)", 8L);
        assertMatches("fd.name pmatch (/et)");
        assertMatches("k8s.pod.label[app] = nginx", 8L);
        assertMatches("k8s.pod.label[app] != nginx");
        assertMatches("k8s.pod.labels exists", 8L);
    }

    @Test
    void stringOperators() throws Exception {
        assertMatches("proc.cmdline contains \"-s\"", 2L);
        assertMatches("proc.name icontains BAS", 1L);
        assertMatches("proc.name glob 'c*l'", 2L);
        assertMatches("proc.name iglob 'B?SH'", 1L);
        assertMatches("proc.name regex 'b.sh|cu.*'", 1L, 2L);
        assertMatches("proc.name regex 'as'");
        assertMatches("tolower(proc.name) = BASH");
        assertMatches("toupper(proc.name) = BASH", 1L);
        assertMatches("proc.name contains \"100%\"");
    }

    @Test
    void resolutionErrorsAreReportedTogether() {
        try {
            Filter.compile("proc.nam = bash and proc.pid = abc");
        } catch (FilterException e) {
            assertThat(e.diagnostics()).extracting(d -> d.code() + "@" + d.column())
                    .containsExactly("unknown-field@1", "type-mismatch@32");
            return;
        }
        throw new AssertionError("expected a FilterException");
    }
}
