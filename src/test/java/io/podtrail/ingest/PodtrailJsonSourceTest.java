package io.podtrail.ingest;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.event.EventIds;
import io.podtrail.normalize.Hashing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodtrailJsonSourceTest {

    private final PodtrailJsonSource src = new PodtrailJsonSource();

    @Test
    void flatLine() {
        String line = "{\"evt.time\": 1700000000000000000, \"evt.type\": \"execve\", \"podtrail.kind\": \"exec\", \"proc.name\": \"bash\","
                + " \"proc.pid\": 10, \"evt.hostname\": \"n1\", \"proc.pid.ts\": \"2023-11-14T22:13:19Z\", \"k8s.pod.labels\": {\"app\": \"x\"},"
                + " \"falco.tags\": [\"a\"], \"container.id\": \"host\"}";
        Collect c = Collect.read(src, line);
        assertThat(c.rejections).isEmpty();
        Event e = c.events.get(0);
        assertThat(e.kind()).isEqualTo(EventKind.PROCESS_EXEC);
        assertThat(e.time()).isEqualTo(1700000000000000000L);
        assertThat(e.getString(Fields.FORMAT)).isEqualTo("podtrail");
        assertThat(e.getString(Fields.SOURCE)).isEqualTo("syscall");
        assertThat(e.get(Fields.K8S_POD_LABELS)).isEqualTo(Map.of("app", "x"));
        assertThat(e.get(Fields.FALCO_TAGS)).isEqualTo(List.of("a"));
        assertThat(e.getString(Fields.PROC_EXEC_ID)).isEqualTo("podtrail:n1:10:1699999999000000000");
        byte[] b = line.getBytes();
        assertThat(e.id()).isEqualTo(EventIds.derive(e.time(), Hashing.hash64(b, 0, b.length)));
    }

    @Test
    void rfc3339TimeGivenIdAndDerivedKind() {
        Collect c = Collect.read(src, "{\"evt.time\":\"2024-01-01T00:00:00.25Z\",\"evt.type\":\"connect\",\"podtrail.id\":7,\"node\":\"n\"}");
        assertThat(c.rejections).isEmpty();
        Event e = c.events.get(0);
        assertThat(e.time()).isEqualTo(1704067200250000000L);
        assertThat(e.kind()).isEqualTo(EventKind.NETWORK_CONNECT);
        assertThat(e.id()).isEqualTo(7L);
        assertThat(e.getString(Fields.HOSTNAME)).isEqualTo("n");
    }

    @Test
    void typosAndWrongTypesAreRejectedNamingTheField() {
        String in = String.join("\n",
                "{\"evt.time\":1,\"podtrail.kind\":\"exec\",\"proc.nmae\":\"bash\"}",
                "{\"evt.time\":1,\"podtrail.kind\":\"exec\",\"proc.pid\":\"12\"}",
                "{\"evt.time\":1,\"podtrail.kind\":\"exec\",\"ka.user.groups\":\"a,b\"}",
                "{\"evt.time\":1,\"podtrail.kind\":\"bogus\"}",
                "{\"evt.time\":1}",
                "{\"podtrail.kind\":\"exec\"}",
                "{\"evt.time\":1,\"podtrail.kind\":\"exec\",\"ka.uri.param\":\"x\"}",
                "{\"evt.time\":\"soon\",\"podtrail.kind\":\"exec\"}");
        Collect c = Collect.read(src, in);
        assertThat(c.events).isEmpty();
        assertThat(c.rejections).extracting(Rejection::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(c.rejections.get(0).reason()).isEqualTo("unknown field 'proc.nmae' (did you mean 'proc.name'?)");
        assertThat(c.rejections.get(1).reason()).isEqualTo("field 'proc.pid' is a string, expected an integer");
        assertThat(c.rejections.get(2).reason()).isEqualTo("field 'ka.user.groups' is a string, expected an array of strings");
        assertThat(c.rejections.get(3).reason()).startsWith("field 'podtrail.kind': unknown event kind 'bogus'");
        assertThat(c.rejections.get(4).reason()).contains("missing field 'podtrail.kind'");
        assertThat(c.rejections.get(5).reason()).isEqualTo("missing field 'evt.time'");
        assertThat(c.rejections.get(6).reason()).contains("computed at query time");
        assertThat(c.rejections.get(7).reason()).contains("evt.time").contains("soon");
    }
}
