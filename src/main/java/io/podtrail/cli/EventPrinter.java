package io.podtrail.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints events as an aligned table, JSON lines keyed by catalogue field names, or CSV. */
final class EventPrinter {

    private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final List<String> TABLE_HEADER = List.of("TIME", "NODE", "NAMESPACE/POD", "CONTAINER", "TYPE", "WHAT");

    private final PrintWriter out;
    private final ReadOptions.Output format;
    private final List<Field> columns;

    /** @param columns fields to print for table/csv; empty for the default summary columns */
    EventPrinter(PrintWriter out, ReadOptions.Output format, List<Field> columns) {
        this.out = out;
        this.format = format;
        this.columns = columns;
    }

    void print(List<Event> events) {
        switch (format) {
            case json -> events.forEach(this::printJson);
            case csv -> printCsv(events);
            case table -> printTable(events);
        }
        out.flush();
    }

    private void printJson(Event e) {
        try {
            out.println(JSON.writeValueAsString(e.toMap()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void printCsv(List<Event> events) {
        List<Field> cols = columns.isEmpty() ? Fields.stored() : columns;
        out.println(String.join(",", cols.stream().map(f -> csv(f.name())).toList()));
        for (Event e : events) {
            List<String> cells = new ArrayList<>(cols.size());
            for (Field f : cols) {
                cells.add(csv(text(e.get(f))));
            }
            out.println(String.join(",", cells));
        }
    }

    private void printTable(List<Event> events) {
        List<List<String>> rows = new ArrayList<>();
        if (columns.isEmpty()) {
            rows.add(TABLE_HEADER);
            for (Event e : events) {
                rows.add(summaryRow(e));
            }
        } else {
            rows.add(columns.stream().map(Field::name).toList());
            for (Event e : events) {
                rows.add(columns.stream().map(f -> text(e.get(f))).toList());
            }
        }
        TextTable.print(out, rows);
        if (events.isEmpty()) {
            out.println("(no events)");
        }
    }

    static List<String> summaryRow(Event e) {
        String time = formatTime(e.time());
        String node = nz(e.getString(Fields.HOSTNAME));
        String ns = e.getString(Fields.K8S_NS_NAME);
        String pod = e.getString(Fields.K8S_POD_NAME);
        String where = ns == null && pod == null ? "" : nz(ns) + "/" + nz(pod);
        String container = e.getString(Fields.CONTAINER_ID);
        String cname = e.getString(Fields.CONTAINER_NAME);
        String cont = container == null ? "" : (cname != null ? cname + " (" + container + ")" : container);
        return List.of(time, node, where, cont, nz(e.getString(Fields.TYPE)), what(e));
    }

    /** One human line saying what happened, by kind. */
    static String what(Event e) {
        EventKind kind = e.kind();
        String proc = nz(e.getString(Fields.PROC_CMDLINE));
        String detection = e.getString(Fields.FALCO_RULE) == null ? "" : "  [falco: " + e.getString(Fields.FALCO_RULE) + "]";
        return switch (kind) {
            case PROCESS_EXEC -> userPrefix(e) + proc + detection;
            case PROCESS_EXIT -> proc + exit(e) + detection;
            case NETWORK_CONNECT, NETWORK_ACCEPT, NETWORK_CLOSE -> nz(e.getString(Fields.PROC_NAME)) + " "
                    + endpoint(e.getString(Fields.FD_CIP), e.getLong(Fields.FD_CPORT))
                    + (kind == EventKind.NETWORK_ACCEPT ? " <- " : " -> ")
                    + endpoint(e.getString(Fields.FD_SIP), e.getLong(Fields.FD_SPORT))
                    + (e.getString(Fields.FD_L4PROTO) == null ? "" : " " + e.getString(Fields.FD_L4PROTO)) + detection;
            case FILE -> nz(e.getString(Fields.PROC_NAME)) + " " + nz(e.getString(Fields.FD_NAME)) + detection;
            case K8S_API -> k8s(e);
            case OTHER -> (e.getString(Fields.PROC_NAME) == null ? "" : e.getString(Fields.PROC_NAME) + " ")
                    + (e.get(Fields.ARGS) instanceof Map<?, ?> m && !m.isEmpty() ? m.toString() : "") + detection
                    + (e.getString(Fields.FALCO_OUTPUT) != null && detection.isEmpty() ? e.getString(Fields.FALCO_OUTPUT) : "");
        };
    }

    private static String userPrefix(Event e) {
        Long uid = e.getLong(Fields.USER_UID);
        String name = e.getString(Fields.USER_NAME);
        if (name != null) {
            return name + ": ";
        }
        return uid == null ? "" : "uid " + uid + ": ";
    }

    private static String exit(Event e) {
        Long code = e.getLong(Fields.PROC_EXIT_CODE);
        String sig = e.getString(Fields.PROC_EXIT_SIGNAL);
        if (sig != null) {
            return " (signal " + sig + ")";
        }
        return code == null ? "" : " (exit " + code + ")";
    }

    private static String k8s(Event e) {
        StringBuilder b = new StringBuilder();
        b.append(nz(e.getString(Fields.KA_USER_NAME))).append(' ').append(nz(e.getString(Fields.KA_VERB))).append(' ');
        b.append(nz(e.getString(Fields.KA_TARGET_RESOURCE)));
        if (e.getString(Fields.KA_TARGET_SUBRESOURCE) != null) {
            b.append('/').append(e.getString(Fields.KA_TARGET_SUBRESOURCE));
        }
        String ns = e.getString(Fields.KA_TARGET_NAMESPACE);
        String name = e.getString(Fields.KA_TARGET_NAME);
        if (ns != null || name != null) {
            b.append(' ').append(ns == null ? "" : ns + "/").append(nz(name));
        }
        if (e.getLong(Fields.KA_RESPONSE_CODE) != null) {
            b.append(" -> ").append(e.getLong(Fields.KA_RESPONSE_CODE));
        }
        if (e.get(Fields.KA_SOURCEIPS) instanceof List<?> ips && !ips.isEmpty()) {
            b.append(" from ").append(ips.get(0));
        }
        return b.toString();
    }

    private static String endpoint(String ip, Long port) {
        if (ip == null) {
            return "?";
        }
        String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        return port == null ? host : host + ":" + port;
    }

    static String formatTime(long ns) {
        if (ns == 0) {
            return "";
        }
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)).toString();
    }

    static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> a.toString().compareTo(b.toString())))
                    .forEach(en -> parts.add(en.getKey() + "=" + en.getValue()));
            return String.join(",", parts);
        }
        return v.toString();
    }

    private static String csv(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
