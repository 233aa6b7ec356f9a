package io.haprobe.cli;

/** What {@code --format} prints on standard output: the log lines and summary table, or one JSON document. */
enum OutputFormat {
    /** HAProxy's log lines as they happen, then the per-server summary. */
    TEXT,
    /** One JSON document at the end ({@link JsonReport}); nothing else on standard output. */
    JSON
}
