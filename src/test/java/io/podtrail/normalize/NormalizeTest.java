package io.podtrail.normalize;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NormalizeTest {

    @Test
    void xxHash64KnownVectors() {
        assertThat(Hashing.hash64(new byte[0], 0, 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(Hashing.hash64("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(Hashing.hash64("abc")).isEqualTo(0x44BC2CF5AD770999L);
        byte[] b = "Nobody inspects the spammish repetition".getBytes(StandardCharsets.UTF_8);
        assertThat(Hashing.hash64(b, 0, b.length)).isEqualTo(0xFBCEA83C8A378BF1L);
        byte[] framed = ("xx" + "abc" + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(Hashing.hash64(framed, 2, 3)).isEqualTo(Hashing.hash64("abc"));
    }

    @Test
    void rfc3339() {
        assertThat(Times.parseRfc3339Nanos("1970-01-01T00:00:00Z")).isZero();
        assertThat(Times.parseRfc3339Nanos("2018-10-26T13:38:34.867116Z")).isEqualTo(1540561114867116000L);
        assertThat(Times.parseRfc3339Nanos("2022-10-18T03:16:21.373327754Z")).isEqualTo(1666062981373327754L);
        assertThat(Times.parseRfc3339Nanos("2022-10-18T05:16:21.373327754+02:00")).isEqualTo(1666062981373327754L);
        assertThat(Times.parseRfc3339Nanos("2016-08-04T16:17:57.881781397+0000")).isEqualTo(1470327477881781397L);
        assertThat(Times.parseRfc3339Nanos("2022-01-19T16:29:02.021Z")).isEqualTo(1642609742021000000L);
        for (String bad : List.of("", "yesterday", "2022-13-01T00:00:00Z", "2022-01-01T00:00:00", "2022-01-01T00:00:00.Z", "2022-02-30T00:00:00Z")) {
            assertThatThrownBy(() -> Times.parseRfc3339Nanos(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void imageReferences() {
        check("docker.io/tgraf/netperf:latest", "docker.io/tgraf/netperf", "latest", null);
        check("registry:5000/app:1.2", "registry:5000/app", "1.2", null);
        check("registry:5000/app", "registry:5000/app", null, null);
        check("nginx", "nginx", null, null);
        check("ghcr.io/org/app:v1@sha256:abc", "ghcr.io/org/app", "v1", "sha256:abc");
        check("quay.io/x/y@sha256:def", "quay.io/x/y", null, "sha256:def");
        assertThat(ContainerImages.digestOf("docker-pullable://quay.io/x@sha256:ff")).isEqualTo("sha256:ff");
        assertThat(ContainerImages.digestOf("sha256:ee")).isEqualTo("sha256:ee");
        assertThat(ContainerImages.stripRuntimePrefix("containerd://abc")).isEqualTo("abc");
        assertThat(ContainerImages.stripRuntimePrefix("cri-o://abc")).isEqualTo("abc");
    }

    private static void check(String ref, String repo, String tag, String digest) {
        ContainerImages.ImageRef r = ContainerImages.parse(ref);
        assertThat(r.repository()).isEqualTo(repo);
        assertThat(r.tag()).isEqualTo(tag);
        assertThat(r.digest()).isEqualTo(digest);
    }

    @Test
    void processIdentity() {
        assertThat(ProcessIdentity.execId("n", 5L, 99L, "abc")).isEqualTo("podtrail:n:5:99");
        assertThat(ProcessIdentity.execId("n", 5L, null, "abc")).isEqualTo("podtrail:n:abc:5");
        assertThat(ProcessIdentity.execId("n", null, 99L, "abc")).isNull();
        assertThat(ProcessIdentity.parentExecId("n", 4L, null)).isNull();
        assertThat(ProcessIdentity.parentExecId("n", 4L, 98L)).isEqualTo("podtrail:n:4:98");
    }

    private static Event stage(String stage, long t, long end, Long code) {
        Event e = new Event().set(Fields.ID, 1L).set(Fields.KA_AUDITID, "a").set(Fields.KA_STAGE, stage)
                .set(Fields.TIME, t).set(Fields.END_TIME, end);
        if (code != null) {
            e.set(Fields.KA_RESPONSE_CODE, code);
        }
        return e;
    }

    @Test
    void mergeStagesInEveryArrivalOrder() {
        Event rr = stage("RequestReceived", 100, 100, null).set(Fields.KA_USERAGENT, "kubectl");
        Event rs = stage("ResponseStarted", 100, 150, 101L);
        Event rc = stage("ResponseComplete", 100, 900, null).set(Fields.KA_AUTH_DECISION, "allow");
        List<List<Event>> orders = List.of(List.of(rr, rs, rc), List.of(rr, rc, rs), List.of(rs, rr, rc),
                List.of(rs, rc, rr), List.of(rc, rr, rs), List.of(rc, rs, rr));
        for (List<Event> o : orders) {
            Event m = AuditStages.mergeStages(AuditStages.mergeStages(o.get(0), o.get(1)), o.get(2));
            assertThat(m.getString(Fields.KA_STAGE)).isEqualTo("ResponseComplete");
            assertThat(m.time()).isEqualTo(100L);
            assertThat(m.getLong(Fields.END_TIME)).isEqualTo(900L);
            assertThat(m.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(101L);
            assertThat(m.getString(Fields.KA_USERAGENT)).isEqualTo("kubectl");
            assertThat(m.getString(Fields.KA_AUTH_DECISION)).isEqualTo("allow");
        }
        // a later stage's code wins; Panic is last
        Event a = stage("ResponseStarted", 10, 20, 101L);
        Event b = stage("ResponseComplete", 12, 30, 200L);
        assertThat(AuditStages.mergeStages(b, a).getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(200L);
        assertThat(AuditStages.mergeStages(a, b).getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(200L);
        assertThat(AuditStages.mergeStages(a, b).time()).isEqualTo(10L);
        Event p = stage("Panic", 11, 25, 500L);
        assertThat(AuditStages.mergeStages(p, b).getString(Fields.KA_STAGE)).isEqualTo("Panic");
        assertThat(AuditStages.mergeStages(b, p).getLong(Fields.END_TIME)).isEqualTo(30L);
        // inputs are not modified
        assertThat(rr.getString(Fields.KA_STAGE)).isEqualTo("RequestReceived");
    }
}
