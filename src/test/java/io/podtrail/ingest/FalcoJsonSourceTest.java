package io.podtrail.ingest;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FalcoJsonSourceTest {

    private final FalcoJsonSource src = new FalcoJsonSource();

    @Test
    void singleRuleWithCatWrite() {
        Collect c = Collect.readFile(src, Collect.fixture("falco-json-output/single_rule_with_cat_write.json"));
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).hasSize(8);
        Event e = c.events.get(0);
        assertThat(e.getString(Fields.FALCO_RULE)).isEqualTo("open_from_cat");
        assertThat(e.getString(Fields.FALCO_PRIORITY)).isEqualTo("Warning");
        assertThat(e.get(Fields.FALCO_TAGS)).isEqualTo(List.of("filesystem", "process", "testing"));
        assertThat(e.getString(Fields.FALCO_OUTPUT)).contains("An open was seen");
        assertThat(e.getString(Fields.PROC_CMDLINE)).isEqualTo("cat /dev/null");
        assertThat(e.getString(Fields.HOSTNAME)).isEqualTo("test-falco-hostname");
        assertThat(e.time()).isEqualTo(1470327477881781397L);
        assertThat(e.kind()).isEqualTo(EventKind.OTHER);
        assertThat(e.getString(Fields.SOURCE)).isEqualTo("syscall");
        assertThat(c.events).extracting(Event::id).doesNotHaveDuplicates();
    }

    @Test
    void alertsInsideFalcoDocsAndTalonExamples() throws IOException {
        Path dir = Collect.fixture("falco-json-output");
        int n = 0;
        for (String md : List.of("blog_falco-plugin-k8saudit-eks.md", "blog_falcosidekick-response-engine-part-2-openfaas.md",
                "blog_k8saudit-ovh-mks.md", "channels.md", "blog_package-hunter-falco.md", "formatting.md")) {
            Path p = dir.resolve(md);
            if (!Files.exists(p)) {
                continue;
            }
            for (String l : Files.readAllLines(p)) {
                String t = l.trim();
                if (t.startsWith("{\"") && t.contains("\"rule\"") && t.endsWith("}")) {
                    Collect c = Collect.read(src, t);
                    assertThat(c.rejections).as(t).isEmpty();
                    n += c.events.size();
                }
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(6);
        // falco-talon examples: curl -d'{...}' bodies, with "Rule"
        for (String l : Files.readAllLines(dir.resolve("falco-talon_examples.txt"))) {
            int i = l.indexOf("-d'{");
            if (i >= 0) {
                String body = l.substring(i + 3, l.lastIndexOf('\''));
                Collect c = Collect.read(src, body);
                assertThat(c.rejections).as(body).isEmpty();
                assertThat(c.events.get(0).getString(Fields.FALCO_RULE)).startsWith("Test");
            }
        }
    }

    @Test
    void terminalShellAlertFromChannels() throws IOException {
        Path p = Collect.fixture("falco-json-output/channels.md");
        String line = Files.readAllLines(p).stream().filter(l -> l.startsWith("{\"hostname\":\"falco-xczjd\"")).findFirst().orElseThrow();
        Event e = Collect.read(src, line).events.get(0);
        assertThat(e.getString(Fields.FALCO_RULE)).isEqualTo("Terminal shell in container");
        assertThat(e.getString(Fields.CONTAINER_ID)).isEqualTo("ee97d9c4186f");
        assertThat(e.getString(Fields.CONTAINER_IMAGE_REPOSITORY)).isEqualTo("docker.io/library/alpine");
        assertThat(e.getString(Fields.K8S_POD_NAME)).isEqualTo("kubecon");
        assertThat(e.getString(Fields.PROC_NAME)).isEqualTo("sh");
        assertThat(e.getString(Fields.PROC_PNAME)).isEqualTo("runc");
        assertThat(e.getLong(Fields.PROC_TTY)).isEqualTo(34816L);
        assertThat(e.getLong(Fields.USER_LOGINUID)).isEqualTo(-1L);
        assertThat(e.getString(Fields.USER_NAME)).isEqualTo("root");
        assertThat(e.time()).isEqualTo(1685022245478445995L);
    }

    @Test
    void k8sAuditAlert() {
        String line = "{\"hostname\":\"falco-k8saudit-eks-96d7f6f99-vwjgc\",\"output\":\"14:09:24.046826000: Notice Attach/Exec to pod\",\"priority\":\"Notice\","
                + "\"rule\":\"Attach/Exec Pod\",\"source\":\"k8s_audit\",\"tags\":[\"k8s\"],\"time\":\"2023-05-10T14:09:24.046826000Z\", \"output_fields\": "
                + "{\"evt.time\":1683727764046826000,\"ka.target.name\":\"kubecon\",\"ka.target.namespace\":\"default\",\"ka.target.resource\":\"pods\","
                + "\"ka.target.subresource\":\"exec\",\"ka.uri.param[command]\":\"sh\",\"ka.user.name\":\"kubernetes-admin\",\"ka.response.code\":\"201\",\"ka.verb\":\"create\"}}";
        Event e = Collect.read(src, line).events.get(0);
        assertThat(e.kind()).isEqualTo(EventKind.K8S_API);
        assertThat(e.getString(Fields.SOURCE)).isEqualTo("k8s_audit");
        assertThat(e.getString(Fields.TYPE)).isEqualTo("create");
        assertThat(e.getString(Fields.KA_USER_NAME)).isEqualTo("kubernetes-admin");
        assertThat(e.getString(Fields.KA_TARGET_SUBRESOURCE)).isEqualTo("exec");
        assertThat(e.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(201L);
        assertThat(e.get(Fields.ARGS)).isEqualTo(Map.of("ka.uri.param[command]", "sh"));
    }

    @Test
    void activityAlertWithNaStringsAndNumbers() {
        String line = "{\"hostname\":\"node-3\",\"output\":\"x\",\"priority\":\"Informational\",\"rule\":\"Podtrail outbound connect\",\"source\":\"syscall\","
                + "\"tags\":[\"podtrail\"],\"time\":\"2024-06-01T12:00:00.5Z\",\"output_fields\":{\"evt.type\":\"connect\",\"evt.time\":\"1717243200500000000\","
                + "\"proc.pid\":\"4242\",\"proc.ppid\":4241,\"proc.name\":\"curl\",\"proc.exe\":\"/usr/bin/curl\",\"proc.cmdline\":\"curl -s x\",\"proc.tty\":0,"
                + "\"proc.pid.ts\":1717243199000000000,\"proc.ppid.ts\":\"<NA>\",\"user.uid\":\"0\",\"user.name\":\"<NA>\",\"container.id\":\"host\","
                + "\"fd.sip\":\"198.51.100.1\",\"fd.sport\":\"443\",\"fd.cip\":\"10.0.0.5\",\"fd.cport\":51512,\"fd.l4proto\":\"tcp\","
                + "\"k8s.ns.name\":\"<NA>\",\"proc.aname[2]\":\"systemd\",\"some.unknown\":\"v\"}}";
        Collect c = Collect.read(src, line);
        assertThat(c.rejections).isEmpty();
        Event e = c.events.get(0);
        assertThat(e.kind()).isEqualTo(EventKind.NETWORK_CONNECT);
        assertThat(e.time()).isEqualTo(1717243200500000000L);
        assertThat(e.getLong(Fields.PROC_PID)).isEqualTo(4242L);
        assertThat(e.getLong(Fields.PROC_PPID)).isEqualTo(4241L);
        assertThat(e.getString(Fields.PROC_EXEPATH)).isEqualTo("/usr/bin/curl");
        assertThat(e.getLong(Fields.FD_SPORT)).isEqualTo(443L);
        assertThat(e.getString(Fields.CONTAINER_ID)).isEqualTo("host");
        assertThat(e.getString(Fields.USER_NAME)).isNull();
        assertThat(e.getString(Fields.K8S_NS_NAME)).isNull();
        assertThat(e.getString(Fields.PROC_EXEC_ID)).isEqualTo("podtrail:node-3:4242:1717243199000000000");
        assertThat(e.getString(Fields.PROC_PEXEC_ID)).isNull();
        assertThat(e.get(Fields.ARGS)).isEqualTo(Map.of("proc.aname[2]", "systemd", "some.unknown", "v"));
    }

    @Test
    void kindsFromEvtTypeAndHttpBatch() {
        String tmpl = "{\"rule\":\"r\",\"priority\":\"Notice\",\"output\":\"o\",\"time\":\"2024-06-01T12:00:00Z\",\"output_fields\":{\"evt.type\":\"%s\",\"proc.pid\":1}}";
        String batch = String.join("\n", tmpl.formatted("execve"), tmpl.formatted("procexit"), tmpl.formatted("accept4"),
                tmpl.formatted("openat"), tmpl.formatted("renameat2"), tmpl.formatted("ptrace"),
                "{\"rule\":\"r\",\"priority\":\"Notice\",\"output\":\"o\",\"time\":\"2024-06-01T12:00:00Z\"}");
        Collect c = Collect.read(src, batch);
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).extracting(Event::kind).containsExactly(EventKind.PROCESS_EXEC, EventKind.PROCESS_EXIT,
                EventKind.NETWORK_ACCEPT, EventKind.FILE, EventKind.FILE, EventKind.OTHER, EventKind.OTHER);
    }

    @Test
    void rejections() {
        Collect c = Collect.read(src, "{\"priority\":\"Notice\"}\n{\"rule\":\"r\"}\n{\"rule\":\"r\",\"time\":\"noon\"}\n{\"rule\":\n");
        assertThat(c.events).isEmpty();
        assertThat(c.rejections).extracting(Rejection::line).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.rejections.get(0).reason()).isEqualTo("not a Falco alert: missing field 'rule'");
        assertThat(c.rejections.get(1).reason()).contains("missing event time");
        assertThat(c.rejections.get(2).reason()).contains("unparsable time 'time'");
        assertThat(c.rejections.get(3).reason()).startsWith("invalid JSON:");
    }
}
