package io.podtrail.ingest;

import io.podtrail.event.Event;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test sink collecting events and rejections, plus fixture helpers. */
final class Collect implements EventSink {

    final List<Event> events = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();

    @Override
    public void accept(Event event) {
        events.add(event);
    }

    @Override
    public void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    static Collect read(EventSource src, String text) {
        return read(src, text.getBytes(StandardCharsets.UTF_8));
    }

    static Collect read(EventSource src, byte[] bytes) {
        Collect c = new Collect();
        try {
            src.read(new ByteArrayInputStream(bytes), "test", c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    static Collect readFile(EventSource src, Path p) {
        Collect c = new Collect();
        try (InputStream in = Files.newInputStream(p)) {
            src.read(in, p.toString(), c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    static Path fixtures() {
        String dir = System.getProperty("podtrail.fixtures", "../shared/fixtures");
        Path p = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(p), "fixtures directory absent: " + p);
        return p;
    }

    static Path fixture(String rel) {
        Path p = fixtures().resolve(rel);
        Assumptions.assumeTrue(Files.exists(p), "fixture absent: " + p);
        return p;
    }

    /** The ```json blocks of a markdown file, each with its first line number in the file. */
    static List<String> jsonBlocks(Path md) throws IOException {
        List<String> lines = Files.readAllLines(md);
        List<String> blocks = new ArrayList<>();
        StringBuilder sb = null;
        for (String l : lines) {
            if (sb == null && l.trim().equals("```json")) {
                sb = new StringBuilder();
            } else if (sb != null && l.trim().startsWith("```")) {
                blocks.add(sb.toString());
                sb = null;
            } else if (sb != null) {
                sb.append(l).append('\n');
            }
        }
        return blocks;
    }
}
