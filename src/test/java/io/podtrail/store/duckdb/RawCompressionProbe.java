package io.podtrail.store.duckdb;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDictTrainer;

import java.util.ArrayList;
import java.util.List;

/** Payload compression options on synthetic Tetragon payloads (a measurement, not a test). */
public final class RawCompressionProbe {

    public static void main(String[] args) {
        StoreThroughput gen = new StoreThroughput();
        List<byte[]> payloads = new ArrayList<>();
        long raw = 0;
        for (int i = 0; i < 131_072; i++) {
            byte[] p = gen.next().raw();
            payloads.add(p);
            raw += p.length;
        }
        System.out.printf("%d payloads, %.0f B each%n", payloads.size(), (double) raw / payloads.size());
        for (int block : new int[] {1024, 8192, 32768}) {
            for (int level : new int[] {1, 3, 6, 9}) {
                long out = 0;
                long t = System.nanoTime();
                for (int from = 0; from < payloads.size(); from += block) {
                    out += RawBlocks.compress(payloads.subList(from, Math.min(payloads.size(), from + block)), level).length;
                }
                double s = (System.nanoTime() - t) / 1e9;
                System.out.printf("block=%5d level=%d: %.1f B/event ratio %.1f, %.0f MB/s%n", block, level,
                        (double) out / payloads.size(), (double) raw / out, raw / 1e6 / s);
            }
        }
        // long-distance matching on a large block
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(3);
            ctx.setLong(27);
            byte[] all = concat(payloads);
            long t = System.nanoTime();
            int out = ctx.compress(all).length;
            System.out.printf("whole set level 3 + long window: %.1f B/event ratio %.1f, %.0f MB/s%n",
                    (double) out / payloads.size(), (double) raw / out, raw / 1e6 / ((System.nanoTime() - t) / 1e9));
        }
        // a trained dictionary with small blocks
        ZstdDictTrainer trainer = new ZstdDictTrainer(16 << 20, 112 << 10);
        for (int i = 0; i < 20_000; i++) {
            trainer.addSample(payloads.get(i));
        }
        byte[] dict = trainer.trainSamples();
        for (int block : new int[] {1, 64, 1024}) {
            try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
                ctx.setLevel(3);
                ctx.loadDict(dict);
                long out = 0;
                long t = System.nanoTime();
                for (int from = 20_000; from < payloads.size(); from += block) {
                    out += ctx.compress(concat(payloads.subList(from, Math.min(payloads.size(), from + block)))).length;
                }
                int n = payloads.size() - 20_000;
                long r = 0;
                for (byte[] p : payloads.subList(20_000, payloads.size())) {
                    r += p.length;
                }
                System.out.printf("dict %d KB, block=%d: %.1f B/event ratio %.1f, %.0f MB/s%n", dict.length >> 10, block,
                        (double) out / n, (double) r / out, r / 1e6 / ((System.nanoTime() - t) / 1e9));
            }
        }
        Zstd.compress(new byte[1]);
    }

    private static byte[] concat(List<byte[]> ps) {
        int n = 0;
        for (byte[] p : ps) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int off = 0;
        for (byte[] p : ps) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }
}
