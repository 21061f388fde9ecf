package io.podtrail.store.duckdb;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A raw block: the payloads of up to N events in one zstd frame, stored as one row of
 * {@code raw_blocks}. Uncompressed layout: int count, count int lengths, then the payloads.
 */
final class RawBlocks {

    static final String CODEC = "zstd";

    private RawBlocks() {
    }

    static long rawBytes(List<byte[]> payloads) {
        long n = 0;
        for (byte[] p : payloads) {
            n += p.length;
        }
        return n;
    }

    static byte[] compress(List<byte[]> payloads, int level) {
        return compress(payloads, level, 0);
    }

    /**
     * @param windowLog 0: zstd's default for the level; else long-distance matching with a window of
     *                  2^windowLog bytes (the decompressor needs as much memory; 27 = 128 MiB is the most
     *                  a default decompressor accepts)
     */
    static byte[] compress(List<byte[]> payloads, int level, int windowLog) {
        int total = 4 + 4 * payloads.size() + (int) rawBytes(payloads);
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(payloads.size());
        for (byte[] p : payloads) {
            b.putInt(p.length);
        }
        for (byte[] p : payloads) {
            b.put(p);
        }
        if (windowLog == 0) {
            return Zstd.compress(b.array(), level);
        }
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(level);
            ctx.setLong(windowLog);
            ctx.setContentSize(true);
            return ctx.compress(b.array());
        }
    }

    /** The payload at index idx of a compressed block. */
    static byte[] extract(String codec, byte[] data, int idx) {
        if (!CODEC.equals(codec)) {
            throw new IllegalStateException("unknown raw block codec " + codec);
        }
        long size = Zstd.getFrameContentSize(data);
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IllegalStateException("raw block without a usable content size: " + size);
        }
        ByteBuffer b = ByteBuffer.wrap(Zstd.decompress(data, (int) size));
        int n = b.getInt();
        if (idx < 0 || idx >= n) {
            return null;
        }
        long offset = 4 + 4L * n;
        for (int i = 0; i < idx; i++) {
            offset += b.getInt(4 + 4 * i);
        }
        int len = b.getInt(4 + 4 * idx);
        byte[] out = new byte[len];
        b.get((int) offset, out);
        return out;
    }
}
