package io.haprobe.check;

import io.haprobe.config.HttpExpect;

import java.util.List;

/** Placeholder, replaced by the judge's branch. */
public final class HttpResponseJudge {
    public static final int MAX_RESPONSE_BYTES = 16384;

    public static HttpResponseJudge of(List<HttpExpect> expects) {
        return new HttpResponseJudge();
    }

    public CheckVerdict judge(byte[] buf, int length, boolean endOfStream) {
        throw new UnsupportedOperationException();
    }
}
