package io.podtrail.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Counts bytes read and reports the running total about every megabyte (for progress bars). */
final class CountingInputStream extends FilterInputStream {
    private final LongConsumer onProgress;
    private long count;
    private long lastReported;

    CountingInputStream(InputStream in, LongConsumer onProgress) {
        super(in);
        this.onProgress = onProgress;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    private void advance(long n) {
        count += n;
        if (count - lastReported >= (1 << 20)) {
            lastReported = count;
            onProgress.accept(count);
        }
    }
}
