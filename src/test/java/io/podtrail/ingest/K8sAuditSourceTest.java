package io.podtrail.ingest;

import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.normalize.Hashing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class K8sAuditSourceTest {

    private final K8sAuditSource src = new K8sAuditSource();

    @Test
    void execPodFixture() {
        Collect c = Collect.readFile(src, Collect.fixture("falco-k8s-audit-traces/exec_pod.json"));
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).hasSize(1);
        Event e = c.events.get(0);
        assertThat(e.kind()).isEqualTo(EventKind.K8S_API);
        assertThat(e.getString(Fields.SOURCE)).isEqualTo("k8s_audit");
        assertThat(e.getString(Fields.FORMAT)).isEqualTo("k8s-audit");
        assertThat(e.getString(Fields.TYPE)).isEqualTo("create");
        assertThat(e.getString(Fields.KA_VERB)).isEqualTo("create");
        assertThat(e.getString(Fields.KA_TARGET_RESOURCE)).isEqualTo("pods");
        assertThat(e.getString(Fields.KA_TARGET_SUBRESOURCE)).isEqualTo("exec");
        assertThat(e.getString(Fields.KA_TARGET_NAMESPACE)).isEqualTo("default");
        assertThat(e.getString(Fields.KA_TARGET_NAME)).isEqualTo("nginx-deployment-7998647bdf-phvq7");
        assertThat(e.getString(Fields.K8S_POD_NAME)).isEqualTo("nginx-deployment-7998647bdf-phvq7");
        assertThat(e.getString(Fields.K8S_NS_NAME)).isEqualTo("default");
        assertThat(e.getString(Fields.KA_USER_NAME)).isEqualTo("minikube-user");
        assertThat(e.get(Fields.KA_USER_GROUPS)).isEqualTo(List.of("system:masters", "system:authenticated"));
        assertThat(e.get(Fields.KA_SOURCEIPS)).isEqualTo(List.of("192.168.99.1"));
        assertThat(e.getString(Fields.KA_URI)).contains("command=bash");
        assertThat(e.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(101L);
        assertThat(e.getString(Fields.KA_STAGE)).isEqualTo("ResponseStarted");
        assertThat(e.getString(Fields.KA_LEVEL)).isEqualTo("Request");
        assertThat(e.getString(Fields.KA_AUTH_DECISION)).isEqualTo("allow");
        assertThat(e.getString(Fields.KA_AUDITID)).isEqualTo("ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6");
        // 2018-10-26T13:38:34.867116Z
        assertThat(e.time()).isEqualTo(1540561114867116000L);
        // the id: the received time and the auditID's hash, so every stage of the request shares it
        assertThat(e.id()).isEqualTo(EventIds.derive(e.time(), Hashing.hash64("ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6")));
        assertThat(e.getLong(Fields.END_TIME)).isEqualTo(1540561114902914000L);
        assertThat(e.raw()).isNotNull();
    }

    @Test
    void kindZeroIsRejectedWithReasonAndLineAndTheNextValueIsRead() {
        Collect c = Collect.readFile(src, Collect.fixture("falco-k8s-audit-traces/fal_01_003.json"));
        assertThat(c.rejections).hasSize(1);
        Rejection r = c.rejections.get(0);
        assertThat(r.line()).isEqualTo(1);
        assertThat(r.reason()).isEqualTo("not an audit event: 'kind' is 0, expected Event or EventList");
        assertThat(r.payload()).isEqualTo("{\"kind\": 0}");
        assertThat(c.events).isEmpty();
        // a valid event concatenated after it on the same line is still read
        Collect two = Collect.read(src, "{\"kind\": 0}{\"kind\":\"Event\",\"auditID\":\"a\",\"timestamp\":\"2017-09-11T19:55:05Z\","
                + "\"impersonatedUser\":{\"username\":\"bob\"},\"responseStatus\":{\"reason\":\"Forbidden\",\"code\":403}}");
        assertThat(two.rejections).hasSize(1);
        Event first = two.events.get(0);
        assertThat(first.getString(Fields.KA_IMPUSER_NAME)).isEqualTo("bob");
        assertThat(first.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(403L);
        assertThat(first.getString(Fields.KA_RESPONSE_REASON)).isEqualTo("Forbidden");
    }

    @Test
    void everyAuditFixtureIngests() throws IOException {
        Path dir = Collect.fixture("falco-k8s-audit-traces");
        int files = 0;
        int events = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                Collect c = Collect.readFile(src, p);
                files++;
                events += c.events.size();
                if (p.getFileName().toString().equals("fal_01_003.json")) {
                    assertThat(c.rejections).hasSize(1);
                } else {
                    assertThat(c.rejections).as(p.toString()).isEmpty();
                    assertThat(c.events).as(p.toString()).isNotEmpty();
                }
            }
        }
        assertThat(files).isGreaterThan(40);
        assertThat(events).isGreaterThan(45);
        Collect demo = Collect.readFile(src, Collect.fixture("audit2rbac/demo.log"));
        assertThat(demo.rejections).isEmpty();
        assertThat(demo.events).hasSize(37);
        assertThat(demo.events.get(0).getString(Fields.KA_IMPUSER_NAME)).isEqualTo("bob");
    }

    @Test
    void v1beta1UsesTimestampsAndCreateConfigmapHasSixEvents() {
        Collect c = Collect.readFile(src, Collect.fixture("falco-k8s-audit-traces/create_configmap_sensitive_values.json"));
        assertThat(c.events).hasSize(6);
        Collect ns = Collect.readFile(src, Collect.fixture("falco-k8s-audit-traces/anonymous_creates_namespace_foo.json"));
        Event e = ns.events.get(0);
        assertThat(e.getString(Fields.KA_USER_NAME)).isEqualTo("system:anonymous");
        assertThat(e.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(201L);
        assertThat(e.getString(Fields.KA_TARGET_RESOURCE)).isEqualTo("namespaces");
        assertThat(e.getString(Fields.K8S_POD_NAME)).isNull();
    }

    @Test
    void inlineV1beta1WithOnlyTimestamp() {
        String line = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1beta1\",\"level\":\"Metadata\",\"timestamp\":\"2019-01-02T03:04:05Z\","
                + "\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/secrets\",\"verb\":\"list\","
                + "\"user\":{\"username\":\"alice\"},\"sourceIPs\":[\"10.0.0.1\",\"10.0.0.2\"],\"userAgent\":\"kubectl/v1.14\","
                + "\"objectRef\":{\"resource\":\"secrets\",\"apiGroup\":\"\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200}}";
        Collect c = Collect.read(src, line);
        assertThat(c.rejections).isEmpty();
        Event e = c.events.get(0);
        assertThat(e.time()).isEqualTo(1546398245000000000L);
        assertThat(e.getLong(Fields.END_TIME)).isEqualTo(1546398245000000000L);
        assertThat(e.get(Fields.KA_SOURCEIPS)).isEqualTo(List.of("10.0.0.1", "10.0.0.2"));
        assertThat(e.getString(Fields.KA_USERAGENT)).isEqualTo("kubectl/v1.14");
        assertThat(e.getString(Fields.KA_TARGET_APIGROUP)).isEqualTo("");
    }

    @Test
    void eventListWebhookBody() {
        String body = """
                {"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[
                 {"level":"Metadata","auditID":"x-1","stage":"RequestReceived","requestURI":"/api/v1/namespaces/billing/pods/web-1/exec?command=sh&container=app&stdin=true&tty=true","verb":"get",
                  "user":{"username":"dev@example.com","groups":["devs","system:authenticated"]},"sourceIPs":["203.0.113.7"],"userAgent":"kubectl/v1.31.0 (linux/amd64) kubernetes/abc",
                  "objectRef":{"resource":"pods","namespace":"billing","name":"web-1","apiVersion":"v1","subresource":"exec"},
                  "requestReceivedTimestamp":"2024-05-01T10:00:00.000001Z","stageTimestamp":"2024-05-01T10:00:00.000001Z"},
                 {"level":"Metadata","auditID":"x-1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/billing/pods/web-1/exec?command=sh&container=app&stdin=true&tty=true","verb":"get",
                  "user":{"username":"dev@example.com","groups":["devs","system:authenticated"]},"sourceIPs":["203.0.113.7"],
                  "objectRef":{"resource":"pods","namespace":"billing","name":"web-1","apiVersion":"v1","subresource":"exec"},
                  "responseStatus":{"metadata":{},"code":101},
                  "requestReceivedTimestamp":"2024-05-01T10:00:00.000001Z","stageTimestamp":"2024-05-01T10:05:00.5Z",
                  "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding"}}
                ]}
                {"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[]}
                """;
        Collect c = Collect.read(src, body);
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).hasSize(2);
        assertThat(c.events.get(0).id()).isEqualTo(c.events.get(1).id());
        Event done = c.events.get(1);
        assertThat(done.getString(Fields.KA_AUTH_REASON)).isEqualTo("RBAC: allowed by RoleBinding");
        assertThat(done.getLong(Fields.END_TIME)).isEqualTo(1714557900500000000L);
        assertThat(done.getString(Fields.K8S_NS_NAME)).isEqualTo("billing");
        assertThat(done.raw()).isNotNull();
    }

    @Test
    void eventListWithBadItemEmitsTheGoodOnesAndRejectsNamingTheItem() {
        String body = "{\"kind\":\"EventList\",\"items\":[{\"auditID\":\"ok\",\"verb\":\"get\",\"requestReceivedTimestamp\":\"2024-05-01T10:00:00Z\"},"
                + "{\"verb\":\"get\",\"requestReceivedTimestamp\":\"2024-05-01T10:00:00Z\"}]}";
        Collect c = Collect.read(src, body);
        assertThat(c.events).hasSize(1);
        assertThat(c.rejections).hasSize(1);
        assertThat(c.rejections.get(0).reason()).contains("items[1]").contains("missing field 'auditID'");
    }

    @Test
    void badRecordsAreRejectedWithReasonAndLineAndReadingContinues() {
        String good = "{\"kind\":\"Event\",\"auditID\":\"g\",\"verb\":\"get\",\"requestReceivedTimestamp\":\"2024-05-01T10:00:00Z\"}";
        String in = good + "\n"
                + "{\"kind\":\"Event\",\"verb\":\"get\",\"requestReceivedTimestamp\":\"2024-05-01T10:00:00Z\"}\n"
                + "{\"kind\":\"Event\",\"auditID\":\"t\",\"requestReceivedTimestamp\":\"yesterday\"}\n"
                + "{\"kind\":\"Event\",\"auditID\":\"t\",\"verb\":\"get\",\"requestReceivedTimestamp\":\n"
                + "this is not json\n"
                + "\n"
                + "[1,2]\n"
                + "42\n"
                + "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}\n"
                + good + "\n";
        Collect c = Collect.read(src, in);
        assertThat(c.events).hasSize(2);
        assertThat(c.rejections).extracting(Rejection::line).containsExactly(2L, 3L, 4L, 5L, 7L, 8L, 9L);
        assertThat(c.rejections.get(0).reason()).isEqualTo("missing field 'auditID'");
        assertThat(c.rejections.get(1).reason()).contains("unparsable timestamp 'requestReceivedTimestamp'").contains("yesterday");
        assertThat(c.rejections.get(2).reason()).startsWith("invalid JSON:");
        assertThat(c.rejections.get(3).reason()).startsWith("invalid JSON:").contains("Unrecognized token");
        assertThat(c.rejections.get(4).reason()).contains("got an array");
        assertThat(c.rejections.get(5).reason()).contains("got a number");
        assertThat(c.rejections.get(6).reason()).contains("'kind' is 'Pod'");
    }

    @Test
    void emptyInputIsFine() {
        assertThat(Collect.read(src, "").events).isEmpty();
        assertThat(Collect.read(src, "\n\n  \n").rejections).isEmpty();
    }

    @Test
    void prettyPrintedEventSpanningLines() {
        String in = """
                {
                  "kind": "Event",
                  "auditID": "p-1",
                  "verb": "delete",
                  "user": {"username": "ops", "groups": ["a"]},
                  "requestReceivedTimestamp": "2024-05-01T10:00:00Z"
                }
                {"kind": "Event", "auditID": "p-2", "verb": "get", "requestReceivedTimestamp": "2024-05-01T10:00:01Z"}
                """;
        Collect c = Collect.read(src, in);
        assertThat(c.rejections).isEmpty();
        assertThat(c.events).extracting(e -> e.getString(Fields.KA_AUDITID)).containsExactly("p-1", "p-2");
        assertThat(c.events.get(0).getString(Fields.KA_USER_NAME)).isEqualTo("ops");
    }

    @Test
    void stagesShareTheIdAndMergeInAnyOrder() {
        String a = "{\"auditID\":\"s\",\"stage\":\"RequestReceived\",\"verb\":\"create\",\"requestReceivedTimestamp\":\"2024-01-01T00:00:00Z\",\"stageTimestamp\":\"2024-01-01T00:00:00Z\"}";
        String b = "{\"auditID\":\"s\",\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"requestReceivedTimestamp\":\"2024-01-01T00:00:00Z\",\"stageTimestamp\":\"2024-01-01T00:00:02Z\",\"responseStatus\":{\"code\":201}}";
        Collect c = Collect.read(src, b + "\n" + a + "\n");
        assertThat(c.events).hasSize(2);
        Event m = io.podtrail.normalize.AuditStages.mergeStages(c.events.get(0), c.events.get(1));
        assertThat(m.getString(Fields.KA_STAGE)).isEqualTo("ResponseComplete");
        assertThat(m.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(201L);
        assertThat(m.getLong(Fields.END_TIME) - m.time()).isEqualTo(2_000_000_000L);
        assertThat(Map.of("id", m.id())).containsEntry("id", c.events.get(0).id());
    }
}
