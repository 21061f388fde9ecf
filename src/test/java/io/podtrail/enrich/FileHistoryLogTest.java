package io.podtrail.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.podtrail.enrich.World.CLUSTER;
import static io.podtrail.enrich.World.S;
import static org.assertj.core.api.Assertions.assertThat;

/** History survives a restart: write through the log, reload, same answers. */
class FileHistoryLogTest {

    @Test
    void reloadedHistoryGivesTheSameAnswers(@TempDir Path data) throws IOException {
        try (FileHistoryLog log = FileHistoryLog.inDataDir(data)) {
            ClusterHistory h = ClusterHistory.load(log);
            World.records().forEach(h::apply);
            // a live close after the fact: the appended closing record must win on reload
            h.close(HistoryRecord.Kind.POD_IP, CLUSTER, "10.244.1.9", 500 * S);
        }
        assertThat(data.resolve("context/history.jsonl")).exists();
        try (FileHistoryLog log = FileHistoryLog.inDataDir(data)) {
            ClusterHistory reloaded = ClusterHistory.load(log);
            ClusterHistory expected = World.history();
            expected.close(HistoryRecord.Kind.POD_IP, CLUSTER, "10.244.1.9", 500 * S);
            assertThat(reloaded.records()).isEqualTo(expected.records());
            assertThat(reloaded.podByIp(CLUSTER, "10.244.1.5", 150 * S).name()).isEqualTo("web-7d9f-aaaaa");
            assertThat(reloaded.podByIp(CLUSTER, "10.244.1.5", 250 * S).name()).isEqualTo("web-7d9f-bbbbb");
            assertThat(reloaded.podByIp(CLUSTER, "10.244.1.9", 600 * S)).isNull();
            assertThat(reloaded.container(CLUSTER, World.C1_NEW, 160 * S).podUid()).isEqualTo("p1");
            assertThat(log.skippedLines()).isZero();
        }
    }

    @Test
    void tornLastLineIsSkippedAndCounted(@TempDir Path data) throws IOException {
        try (FileHistoryLog log = FileHistoryLog.inDataDir(data)) {
            World.records().forEach(log::append);
        }
        Path file = data.resolve("context/history.jsonl");
        Files.writeString(file, "{\"kind\":\"POD_IP\",\"cluster\":\"pr", StandardOpenOption.APPEND);
        try (FileHistoryLog log = FileHistoryLog.inDataDir(data)) {
            ClusterHistory h = ClusterHistory.load(log);
            assertThat(log.skippedLines()).isEqualTo(1);
            assertThat(h.records()).isEqualTo(World.history().records());
        }
    }

    @Test
    void lineFormat() throws IOException {
        HistoryRecord r = World.rec(HistoryRecord.Kind.SERVICE_IP, "10.96.0.10", java.util.Map.of("ns", "shop", "name", "web"), 50, null);
        assertThat(FileHistoryLog.toJson(r)).isEqualTo("{\"kind\":\"SERVICE_IP\",\"cluster\":\"prod\",\"key\":\"10.96.0.10\","
                + "\"value\":{\"name\":\"web\",\"ns\":\"shop\"},\"from\":50000000000,\"to\":null}");
        assertThat(FileHistoryLog.fromJson(FileHistoryLog.toJson(r))).isEqualTo(r);
    }
}
