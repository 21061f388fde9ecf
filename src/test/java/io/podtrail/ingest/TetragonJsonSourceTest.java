package io.podtrail.ingest;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.event.EventIds;
import io.podtrail.normalize.Hashing;
import io.podtrail.normalize.Times;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TetragonJsonSourceTest {

    private final TetragonJsonSource src = new TetragonJsonSource();

    @Test
    void testdataFirstEvent() throws IOException {
        Path p = Collect.fixture("tetragon/testdata_events.json");
        Collect c = Collect.readFile(src, p);
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).hasSize(3);
        Event e = c.events.get(0);
        assertThat(e.kind()).isEqualTo(EventKind.PROCESS_EXEC);
        assertThat(e.getString(Fields.TYPE)).isEqualTo("execve");
        assertThat(e.getString(Fields.SOURCE)).isEqualTo("syscall");
        assertThat(e.getString(Fields.FORMAT)).isEqualTo("tetragon");
        assertThat(e.getString(Fields.PROC_NAME)).isEqualTo("netserver");
        assertThat(e.getString(Fields.PROC_EXEPATH)).isEqualTo("/usr/bin/netserver");
        assertThat(e.getString(Fields.PROC_CMDLINE)).isEqualTo("netserver -D");
        assertThat(e.getString(Fields.PROC_ARGS)).isEqualTo("-D");
        assertThat(e.getLong(Fields.PROC_PID)).isEqualTo(68790L);
        assertThat(e.getLong(Fields.PROC_PPID)).isEqualTo(68598L);
        assertThat(e.getString(Fields.PROC_PNAME)).isEqualTo("containerd-shim-runc-v2");
        assertThat(e.getString(Fields.PROC_PEXEPATH)).isEqualTo("/usr/bin/containerd-shim-runc-v2");
        assertThat(e.getString(Fields.PROC_PCMDLINE)).startsWith("containerd-shim-runc-v2 -namespace k8s.io");
        assertThat(e.getString(Fields.CONTAINER_ID)).isEqualTo("19a02291e106");
        assertThat(e.getString(Fields.CONTAINER_FULL_ID)).isEqualTo("19a02291e106ce6227b684197be232ea57c4e1a5ab2604a12608c325d701c7f4");
        assertThat(e.getString(Fields.CONTAINER_NAME)).isEqualTo("spaceship");
        assertThat(e.getString(Fields.CONTAINER_IMAGE)).isEqualTo("docker.io/tgraf/netperf:latest");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_REPOSITORY)).isEqualTo("docker.io/tgraf/netperf");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_TAG)).isEqualTo("latest");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_DIGEST)).isEqualTo("sha256:8e86f744bfea165fd4ce68caa05abc96500f40130b857773186401926af7e9e6");
        assertThat(e.getString(Fields.K8S_POD_NAME)).isEqualTo("tiefighter");
        assertThat(e.getString(Fields.K8S_NS_NAME)).isEqualTo("default");
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) e.get(Fields.K8S_POD_LABELS);
        assertThat(labels).containsEntry("class", "tiefighter").containsEntry("org", "empire");
        assertThat(e.getString(Fields.HOSTNAME)).isEqualTo("my-node");
        assertThat(e.getLong(Fields.USER_UID)).isEqualTo(0L);
        assertThat(e.getLong(Fields.USER_LOGINUID)).isEqualTo(-1L);
        assertThat(e.getString(Fields.PROC_EXEC_ID)).startsWith("Z2tlLW1pY2hp");
        assertThat(e.getString(Fields.PROC_PEXEC_ID)).isEqualTo("Z2tlLW1pY2hpLTIyMDM4LWRlZmF1bHQtcG9vbC00MzczMGZhYi1sOHpyOjEzNjYwNDgwNjUxNTk1OjY4NTk4");
        // this export line has no top-level time: the process start time is used
        assertThat(e.time()).isEqualTo(Times.parseRfc3339Nanos("2022-10-18T03:16:18.273546829Z"));
        assertThat(e.getLong(Fields.PROC_PID_TS)).isEqualTo(e.time());
        // id = the time and the hash of the trimmed line; raw kept
        byte[] line = Files.readAllLines(p).get(0).trim().getBytes(StandardCharsets.UTF_8);
        assertThat(e.id()).isEqualTo(EventIds.derive(e.time(), Hashing.hash64(line, 0, line.length)));
        assertThat(e.raw()).isEqualTo(line);
        assertThat(c.events.get(1).time()).isEqualTo(Times.parseRfc3339Nanos("2022-10-18T03:16:21.373327754Z"));
    }

    @Test
    void everyTetragonJsonFixtureIngests() throws IOException {
        Path dir = Collect.fixture("tetragon");
        int events = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                Collect c = Collect.readFile(src, p);
                assertThat(c.rejections).as(p.toString()).isEmpty();
                assertThat(c.events).as(p.toString()).isNotEmpty();
                events += c.events.size();
            }
        }
        assertThat(events).isGreaterThanOrEqualTo(40);
    }

    @Test
    void jsonInsideTetragonDocs() throws IOException {
        Path dir = Collect.fixture("tetragon/docs");
        int n = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path md : s.filter(x -> x.toString().endsWith(".md")).sorted().toList()) {
                for (String block : Collect.jsonBlocks(md)) {
                    Collect c = Collect.read(src, block);
                    // every block is either an event or rejected with a reason, never an exception
                    assertThat(c.events.size() + c.rejections.size()).as(md + "\n" + block).isPositive();
                    n += c.events.size();
                }
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(4);
        Collect fa = Collect.read(src, Collect.jsonBlocks(dir.resolve("filename-access.md")).get(0));
        Event f = fa.events.get(0);
        assertThat(f.kind()).isEqualTo(EventKind.FILE);
        assertThat(f.getString(Fields.TYPE)).isEqualTo("write");
        assertThat(f.getString(Fields.FD_NAME)).isEqualTo("/etc/passwd");
        assertThat(f.getString(Fields.PROC_NAME)).isEqualTo("vi");
        assertThat(f.getString(Fields.CONTAINER_IMAGE_REPOSITORY)).isEqualTo("docker.io/library/busybox");
        @SuppressWarnings("unchecked")
        Map<String, String> args = (Map<String, String>) f.get(Fields.ARGS);
        assertThat(args).containsEntry("1", "2").containsEntry("policy", "file-monitoring");
        assertThat(args.get("0")).contains("/etc/passwd");

        Collect ex = Collect.read(src, Collect.jsonBlocks(dir.resolve("process-execution.md")).get(1));
        Event exit = ex.events.get(0);
        assertThat(exit.kind()).isEqualTo(EventKind.PROCESS_EXIT);
        assertThat(exit.getString(Fields.TYPE)).isEqualTo("procexit");
        assertThat(exit.getString(Fields.PROC_NAME)).isEqualTo("whoami");

        Collect cr = Collect.read(src, Collect.jsonBlocks(dir.resolve("monitor-changes-at-kernel.md")).get(0));
        Event creds = cr.events.get(0);
        assertThat(creds.kind()).isEqualTo(EventKind.OTHER);
        assertThat(creds.getString(Fields.TYPE)).isEqualTo("commit_creds");
        assertThat(creds.get(Fields.ARGS)).isNotNull();
    }

    @Test
    void oldFormatConnectCloseListenAndKprobe() {
        Event conn = one("tetragon/book_ch3/00_four_golden_signals/process_connect.json");
        assertThat(conn.kind()).isEqualTo(EventKind.NETWORK_CONNECT);
        assertThat(conn.getString(Fields.TYPE)).isEqualTo("connect");
        assertThat(conn.getString(Fields.FD_CIP)).isEqualTo("10.88.0.7");
        assertThat(conn.getLong(Fields.FD_CPORT)).isEqualTo(49168L);
        assertThat(conn.getString(Fields.FD_SIP)).isEqualTo("142.250.180.196");
        assertThat(conn.getLong(Fields.FD_SPORT)).isEqualTo(80L);
        assertThat(conn.getString(Fields.FD_L4PROTO)).isEqualTo("tcp");
        assertThat(conn.getString(Fields.FD_NAME)).isEqualTo("10.88.0.7:49168->142.250.180.196:80");
        assertThat(conn.getString(Fields.PROC_CMDLINE)).isEqualTo("curl www.google.com");
        assertThat(conn.getString(Fields.CONTAINER_ID)).isEqualTo("86eb9e29a77d");
        assertThat(conn.getString(Fields.CONTAINER_IMAGE_DIGEST)).startsWith("sha256:ff3aa586");
        assertThat(conn.getString(Fields.PROC_PCMDLINE)).isEqualTo("bash");

        Event close = one("tetragon/book_ch3/00_four_golden_signals/process_close.json");
        assertThat(close.kind()).isEqualTo(EventKind.NETWORK_CLOSE);
        assertThat(close.getString(Fields.TYPE)).isEqualTo("close");

        Event listen = one("tetragon/book_ch3/00_four_golden_signals/process_listen.json");
        assertThat(listen.kind()).isEqualTo(EventKind.OTHER);
        assertThat(listen.getString(Fields.TYPE)).isEqualTo("listen");
        assertThat(listen.getLong(Fields.FD_SPORT)).isEqualTo(9080L);

        Event kp = one("tetragon/book_ch3/00_four_golden_signals/process_kprobe.json");
        assertThat(kp.kind()).isEqualTo(EventKind.FILE);
        assertThat(kp.getString(Fields.TYPE)).isEqualTo("write");
        assertThat(kp.getString(Fields.FD_NAME)).isEqualTo("etc/passwd");
    }

    private Event one(String rel) {
        Collect c = Collect.readFile(src, Collect.fixture(rel));
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).hasSize(1);
        return c.events.get(0);
    }

    static final String PROC = "\"process\":{\"exec_id\":\"bm9kZToxOjQy\",\"pid\":42,\"uid\":1000,\"cwd\":\"/app\",\"binary\":\"/usr/bin/curl\","
            + "\"arguments\":\"-s http://10.0.0.9\",\"start_time\":\"2024-06-01T12:00:00.000000001Z\",\"auid\":1000,\"tty\":34816,"
            + "\"pod\":{\"namespace\":\"billing\",\"name\":\"api-7d9\",\"container\":{\"id\":\"cri-o://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
            + "\"name\":\"api\",\"image\":{\"id\":\"registry:5000/team/api@sha256:aaaa\",\"name\":\"registry:5000/team/api:1.2\"}},\"pod_labels\":{\"app\":\"api\"}},"
            + "\"parent_exec_id\":\"bm9kZToxOjQx\"},"
            + "\"parent\":{\"exec_id\":\"bm9kZToxOjQx\",\"pid\":41,\"binary\":\"/bin/sh\",\"arguments\":\"-c run\",\"start_time\":\"2024-06-01T11:59:59Z\"}";

    @Test
    void tcpConnectKprobe() {
        String line = "{\"process_kprobe\":{" + PROC + ",\"function_name\":\"tcp_connect\",\"args\":[{\"sock_arg\":{\"family\":\"AF_INET\",\"type\":\"SOCK_STREAM\","
                + "\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"10.244.1.5\",\"daddr\":\"203.0.113.10\",\"sport\":40512,\"dport\":443,\"cookie\":\"18446\",\"state\":\"TCP_SYN_SENT\"}}],"
                + "\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"connect\"},\"node_name\":\"node-1\",\"time\":\"2024-06-01T12:00:01Z\"}";
        Event e = Collect.read(src, line).events.get(0);
        assertThat(e.kind()).isEqualTo(EventKind.NETWORK_CONNECT);
        assertThat(e.getString(Fields.TYPE)).isEqualTo("connect");
        assertThat(e.getString(Fields.FD_CIP)).isEqualTo("10.244.1.5");
        assertThat(e.getLong(Fields.FD_CPORT)).isEqualTo(40512L);
        assertThat(e.getString(Fields.FD_SIP)).isEqualTo("203.0.113.10");
        assertThat(e.getLong(Fields.FD_SPORT)).isEqualTo(443L);
        assertThat(e.getString(Fields.FD_L4PROTO)).isEqualTo("tcp");
        assertThat(e.getLong(Fields.PROC_TTY)).isEqualTo(34816L);
        assertThat(e.getString(Fields.CONTAINER_ID)).isEqualTo("0123456789ab");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_REPOSITORY)).isEqualTo("registry:5000/team/api");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_TAG)).isEqualTo("1.2");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_DIGEST)).isEqualTo("sha256:aaaa");
        assertThat(e.getLong(Fields.USER_LOGINUID)).isEqualTo(1000L);
        assertThat(e.getString(Fields.PROC_PCMDLINE)).isEqualTo("sh -c run");
    }

    @Test
    void acceptAndCloseKprobes() {
        String accept = "{\"process_kprobe\":{" + PROC + ",\"function_name\":\"inet_csk_accept\",\"return\":{\"sock_arg\":{\"family\":\"AF_INET\","
                + "\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"10.244.1.5\",\"daddr\":\"10.244.2.7\",\"sport\":8080,\"dport\":51000}}},"
                + "\"node_name\":\"node-1\",\"time\":\"2024-06-01T12:00:02Z\"}";
        String close = "{\"process_kprobe\":{" + PROC + ",\"function_name\":\"tcp_close\",\"args\":[{\"sock_arg\":{\"protocol\":\"IPPROTO_TCP\","
                + "\"saddr\":\"10.244.1.5\",\"daddr\":\"203.0.113.10\",\"sport\":40512,\"dport\":443}}]},\"node_name\":\"node-1\",\"time\":\"2024-06-01T12:00:03Z\"}";
        Collect c = Collect.read(src, accept + "\n" + close + "\n");
        assertThat(c.rejections).isEmpty();
        Event a = c.events.get(0);
        assertThat(a.kind()).isEqualTo(EventKind.NETWORK_ACCEPT);
        assertThat(a.getString(Fields.TYPE)).isEqualTo("accept");
        assertThat(a.getString(Fields.FD_SIP)).isEqualTo("10.244.1.5");
        assertThat(a.getLong(Fields.FD_SPORT)).isEqualTo(8080L);
        assertThat(a.getString(Fields.FD_CIP)).isEqualTo("10.244.2.7");
        assertThat(a.getLong(Fields.FD_CPORT)).isEqualTo(51000L);
        Event cl = c.events.get(1);
        assertThat(cl.kind()).isEqualTo(EventKind.NETWORK_CLOSE);
        assertThat(cl.getString(Fields.TYPE)).isEqualTo("close");
        assertThat(cl.getString(Fields.FD_SIP)).isEqualTo("203.0.113.10");
    }

    @Test
    void exitWithSignalUnlinkOtherKprobeAndUnknownKind() {
        String exit = "{\"process_exit\":{" + PROC + ",\"signal\":\"SIGKILL\",\"status\":137},\"node_name\":\"n\",\"time\":\"2024-06-01T12:00:04Z\"}";
        String unlink = "{\"process_kprobe\":{" + PROC + ",\"function_name\":\"security_path_unlink\",\"args\":[{\"path_arg\":{\"path\":\"/etc/shadow\"}}]},\"node_name\":\"n\",\"time\":\"2024-06-01T12:00:05Z\"}";
        String other = "{\"process_kprobe\":{" + PROC + ",\"function_name\":\"__x64_sys_setns\",\"args\":[{\"int_arg\":3,\"label\":\"fd\"},{\"int_arg\":0}]},\"node_name\":\"n\",\"time\":\"2024-06-01T12:00:06Z\"}";
        String unknown = "{\"process_newthing\":{\"x\":1},\"node_name\":\"n\",\"time\":\"2024-06-01T12:00:07Z\"}";
        String hostProc = "{\"process_exec\":{\"process\":{\"pid\":7,\"binary\":\"/usr/sbin/tcpdump\",\"start_time\":\"2024-06-01T12:00:00Z\"}},\"node_name\":\"n\",\"time\":\"2024-06-01T12:00:08Z\"}";
        Collect c = Collect.read(src, String.join("\n", exit, unlink, other, unknown, hostProc));
        assertThat(c.rejections).isEmpty();
        Event ex = c.events.get(0);
        assertThat(ex.kind()).isEqualTo(EventKind.PROCESS_EXIT);
        assertThat(ex.getLong(Fields.PROC_EXIT_CODE)).isEqualTo(137L);
        assertThat(ex.getString(Fields.PROC_EXIT_SIGNAL)).isEqualTo("SIGKILL");
        Event ul = c.events.get(1);
        assertThat(ul.kind()).isEqualTo(EventKind.FILE);
        assertThat(ul.getString(Fields.TYPE)).isEqualTo("unlink");
        assertThat(ul.getString(Fields.FD_NAME)).isEqualTo("/etc/shadow");
        Event ot = c.events.get(2);
        assertThat(ot.kind()).isEqualTo(EventKind.OTHER);
        assertThat(ot.getString(Fields.TYPE)).isEqualTo("__x64_sys_setns");
        assertThat(ot.get(Fields.ARGS)).isEqualTo(Map.of("fd", "3", "1", "0"));
        Event un = c.events.get(3);
        assertThat(un.kind()).isEqualTo(EventKind.OTHER);
        assertThat(un.getString(Fields.TYPE)).isEqualTo("process_newthing");
        assertThat(src.unknownKinds()).containsEntry("process_newthing", 1L);
        Event host = c.events.get(4);
        assertThat(host.getString(Fields.CONTAINER_ID)).isEqualTo("host");
        assertThat(host.getString(Fields.PROC_CMDLINE)).isEqualTo("tcpdump");
        // no exec_id in the input: derived from node, pid and start time
        assertThat(host.getString(Fields.PROC_EXEC_ID)).isEqualTo("podtrail:n:7:" + Times.parseRfc3339Nanos("2024-06-01T12:00:00Z"));
    }

    @Test
    void rejectsNonEventsWithReasons() {
        Collect c = Collect.read(src, "{\"node_name\":\"n\"}\n{\"process_exec\":{},\"time\":\"bad\"}\n{\"process_exec\":{}}\n[]\n");
        assertThat(c.events).isEmpty();
        assertThat(c.rejections).extracting(Rejection::line).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.rejections.get(0).reason()).contains("no event object");
        assertThat(c.rejections.get(1).reason()).contains("unparsable timestamp 'time'");
        assertThat(c.rejections.get(2).reason()).isEqualTo("missing field 'time'");
        assertThat(List.of(c.rejections.get(3).reason())).allMatch(r -> r.contains("got an array"));
    }
}
