package io.podtrail.store.duckdb;

import io.podtrail.event.Event;

import java.util.ArrayList;
import java.util.List;

/** Time to stage synthetic Tetragon-like rows as CSV, without DuckDB (a measurement, not a test). */
public final class CsvStagingProbe {

    public static void main(String[] args) {
        StoreThroughput gen = new StoreThroughput();
        List<CsvStager.Row> rows = new ArrayList<>();
        for (int i = 0; i < 122_880; i++) {
            Event e = gen.next();
            rows.add(new CsvStager.Row(e, 1, i, 0));
        }
        CsvStager csv = new CsvStager(Schema.wideColumns());
        for (int rep = 0; rep < 8; rep++) {
            long t = System.nanoTime();
            csv.reset();
            for (CsvStager.Row r : rows) {
                csv.add(r);
            }
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf("staged %d rows, %.0f B/row, %.2f us/row%n", rows.size(), (double) csv.size() / rows.size(), s * 1e6 / rows.size());
        }
    }
}
