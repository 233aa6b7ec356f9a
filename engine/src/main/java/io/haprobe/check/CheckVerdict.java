package io.haprobe.check;

import io.haprobe.CheckStatus;

/** Placeholder, replaced by the judge's branch. */
public record CheckVerdict(CheckStatus status, int code, String info) {
}
