package io.podtrail.ingest;

import io.podtrail.event.SourceFormat;

import java.io.IOException;
import java.io.InputStream;

/**
 * The ingest stage's entry point: one adapter per input format turns a byte stream of that format
 * into normalized events. Adapters never throw on bad records: they reject them with a reason and a
 * line number and go on with the rest of the stream. Only I/O errors escape.
 */
public interface EventSource {

    SourceFormat format();

    /**
     * Reads every record of {@code in} (JSON lines, or concatenated/pretty-printed JSON values, or for
     * Kubernetes audit also EventList bodies) and delivers each to {@code sink}.
     *
     * @param origin a name for the input, used in rejections (file path, "POST /api/v1/ingest/falco", ...)
     */
    void read(InputStream in, String origin, EventSink sink) throws IOException;
}
