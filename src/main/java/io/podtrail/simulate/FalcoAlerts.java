package io.podtrail.simulate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;

import io.podtrail.event.SourceFormat;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

/**
 * Writes events as the Falco JSON alerts that Podtrail's shipped catch-all rules
 * ({@code integrations/falco/podtrail_activity_rules.yaml}) produce with {@code json_output: true}: one
 * alert per line with rule, priority, tags, output and output_fields keyed by Falco field names. Used to
 * feed the Falco adapter with the same activity the simulator writes for Tetragon.
 */
public final class FalcoAlerts {

    /** Falco output fields carried by the catch-all rules, in the order they are written. */
    private static final List<Field> OUTPUT_FIELDS = List.of(Fields.TYPE, Fields.PROC_PID, Fields.PROC_PPID,
            Fields.PROC_NAME, Fields.PROC_EXEPATH, Fields.PROC_CMDLINE, Fields.PROC_ARGS, Fields.PROC_CWD, Fields.PROC_TTY,
            Fields.PROC_PNAME, Fields.PROC_PCMDLINE, Fields.PROC_PEXEPATH, Fields.USER_UID, Fields.USER_LOGINUID,
            Fields.CONTAINER_ID, Fields.CONTAINER_NAME, Fields.CONTAINER_IMAGE_REPOSITORY, Fields.CONTAINER_IMAGE_TAG,
            Fields.K8S_NS_NAME, Fields.K8S_POD_NAME, Fields.FD_SIP, Fields.FD_SPORT, Fields.FD_CIP, Fields.FD_CPORT,
            Fields.FD_L4PROTO, Fields.FD_NAME);

    private final JsonGenerator json;

    public FalcoAlerts(Writer out) throws IOException {
        this.json = new JsonFactory().createGenerator(out);
        json.setRootValueSeparator(null);
    }

    /** Writes one alert for a process, network or file event; other kinds have no catch-all rule and are skipped. */
    public boolean write(Event e) throws IOException {
        String rule = switch (e.kind()) {
            case PROCESS_EXEC -> "Podtrail process spawned";
            case PROCESS_EXIT -> "Podtrail process exited";
            case NETWORK_CONNECT -> "Podtrail outbound connection";
            case NETWORK_ACCEPT -> "Podtrail inbound connection";
            case FILE -> "Podtrail sensitive file changed";
            default -> null;
        };
        if (rule == null) {
            return false;
        }
        long ns = e.time();
        Instant t = Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
        String tag = e.kind() == EventKind.PROCESS_EXEC || e.kind() == EventKind.PROCESS_EXIT ? "process"
                : e.kind() == EventKind.FILE ? "filesystem" : "network";
        json.writeStartObject();
        json.writeStringField("hostname", String.valueOf(e.getString(Fields.HOSTNAME)));
        json.writeStringField("output", t + ": Informational " + rule + " (" + e.getString(Fields.PROC_CMDLINE) + ")");
        json.writeStringField("priority", "Informational");
        json.writeStringField("rule", rule);
        json.writeStringField("source", "syscall");
        json.writeArrayFieldStart("tags");
        json.writeString("podtrail");
        json.writeString(tag);
        json.writeEndArray();
        json.writeStringField("time", t.toString());
        json.writeObjectFieldStart("output_fields");
        json.writeNumberField("evt.time", ns);
        for (Field f : OUTPUT_FIELDS) {
            Object v = e.get(f);
            if (v instanceof Long l) {
                json.writeNumberField(f.name(), l);
            } else if (v != null) {
                json.writeStringField(f.name(), v.toString());
            } else {
                json.writeStringField(f.name(), "<NA>");
            }
        }
        Long pidTs = e.getLong(Fields.PROC_PID_TS);
        if (pidTs != null) {
            json.writeNumberField("proc.pid.ts", pidTs);
        }
        Long ppidTs = e.getLong(Fields.PROC_PPID_TS);
        if (ppidTs != null) {
            json.writeNumberField("proc.ppid.ts", ppidTs);
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
        return true;
    }

    public void flush() throws IOException {
        json.flush();
    }

    /**
     * Rewrites a simulated Tetragon export as the Falco alerts the same activity produces with Podtrail's catch-all
     * rules (process starts, exits, connects, accepts; Falco has no close event).
     *
     * @return the number of alerts written
     */
    public static long fromTetragon(Path tetragon, Path falco) throws IOException {
        long[] n = {0};
        try (InputStream in = Files.newInputStream(tetragon);
             Writer w = Files.newBufferedWriter(falco, StandardCharsets.UTF_8)) {
            FalcoAlerts alerts = new FalcoAlerts(w);
            Formats.forFormat(SourceFormat.TETRAGON).read(in, tetragon.toString(), new EventSink() {
                @Override
                public void accept(Event e) {
                    try {
                        if (alerts.write(e)) {
                            n[0]++;
                        }
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }

                @Override
                public void reject(Rejection r) {
                    throw new IllegalStateException("simulated Tetragon line rejected: " + r.reason() + " at line " + r.line());
                }
            });
            alerts.flush();
        }
        return n[0];
    }
}
