package io.podtrail.store.duckdb;

import com.github.luben.zstd.ZstdCompressCtx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload compression options on real-looking Tetragon lines (a measurement, not a test): single-thread
 * B/event and MB/s per level, block size and long-distance matching. Usage: {@code TetragonPayloadProbe FILE [lines]}
 */
public final class TetragonPayloadProbe {

    public static void main(String[] args) throws Exception {
        int max = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        List<byte[]> payloads = new ArrayList<>();
        try (var lines = Files.lines(Path.of(args[0]))) {
            lines.limit(max).forEach(l -> payloads.add(l.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        long raw = RawBlocks.rawBytes(payloads);
        System.out.printf("%d payloads, %.0f B each%n", payloads.size(), (double) raw / payloads.size());
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (int block : new int[] {8192, 32768, 131072}) {
                for (int level : new int[] {-1, 1, 2, 3}) {
                    for (int window : new int[] {0, 27}) {
                        if (window > 0 && block < 32768) {
                            continue;
                        }
                        long out = 0;
                        long t = System.nanoTime();
                        for (int from = 0; from < payloads.size(); from += block) {
                            out += RawBlocks.compress(payloads.subList(from, Math.min(payloads.size(), from + block)), level, window).length;
                        }
                        double s = (System.nanoTime() - t) / 1e9;
                        if (round == 1) {
                            System.out.printf("block=%6d level=%2d long=%2d: %5.1f B/event, %4.0f MB/s (%.1f us/event)%n", block, level,
                                    window, (double) out / payloads.size(), raw / 1e6 / s, s * 1e6 / payloads.size());
                        }
                    }
                }
            }
        }
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(1);
        }
    }
}
