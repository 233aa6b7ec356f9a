package io.haprobe.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rows of a {@code show stat} reply, read by the header's column names (HAProxy 2.6's CSV: a first line
 * {@code # pxname,svname,...}, one line per frontend, server and backend, every line ending with a {@code ,},
 * fields with a comma, a quote or a line break in double quotes with {@code ""} for a quote, as HAProxy's
 * {@code csv_enc} writes them).
 *
 * <p>Immutable and thread-safe.
 */
final class StatsCsv {

    /** A row type of the {@code type} column: 0 frontend, 1 backend, 2 server, 3 listener. */
    static final int FRONTEND = 0;
    /** The backend row type. */
    static final int BACKEND = 1;
    /** The server row type. */
    static final int SERVER = 2;

    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private StatsCsv(Map<String, Integer> columns, List<Row> rows) {
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * Parses a {@code show stat} reply.
     *
     * @param csv the reply, header first; never null; lines end with {@code \n} (a {@code \r} before it is
     *            dropped); empty lines are skipped
     * @return the table; without a header line, an empty table
     * @throws NullPointerException if {@code csv} is null
     */
    static StatsCsv parse(String csv) {
        Objects.requireNonNull(csv, "csv");
        Map<String, Integer> columns = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        List<List<String>> records = records(csv);
        boolean header = false;
        for (List<String> record : records) {
            if (!header) {
                if (record.isEmpty() || !record.get(0).startsWith("# ")) {
                    continue;
                }
                record.set(0, record.get(0).substring(2));
                for (int i = 0; i < record.size(); i++) {
                    columns.putIfAbsent(record.get(i), i);
                }
                header = true;
                continue;
            }
            rows.add(new Row(columns, record));
        }
        return new StatsCsv(Map.copyOf(columns), List.copyOf(rows));
    }

    /** Returns the rows in the reply's order. */
    List<Row> rows() {
        return rows;
    }

    /** Returns whether the header names {@code column}. */
    boolean hasColumn(String column) {
        return columns.containsKey(column);
    }

    /** CSV records: fields split on commas outside quotes, records on line breaks outside quotes. */
    private static List<List<String>> records(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c != '"') {
                    field.append(c);
                } else if (i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    any = true;
                }
                case ',' -> {
                    record.add(field.toString());
                    field.setLength(0);
                    any = true;
                }
                case '\r' -> {
                    // dropped: a CRLF line end reads as LF
                }
                case '\n' -> {
                    if (any || field.length() > 0) {
                        record.add(field.toString());
                        records.add(record);
                    }
                    record = new ArrayList<>();
                    field.setLength(0);
                    any = false;
                }
                default -> {
                    field.append(c);
                    any = true;
                }
            }
        }
        if (any || field.length() > 0) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    /**
     * One line of the CSV, read by column name. A column the header does not name, or a field past the end of
     * the line, reads as empty.
     */
    static final class Row {

        private final Map<String, Integer> columns;
        private final List<String> fields;

        private Row(Map<String, Integer> columns, List<String> fields) {
            this.columns = columns;
            this.fields = List.copyOf(fields);
        }

        /** Returns the field of {@code column}, empty (never null) when absent. */
        String get(String column) {
            Integer i = columns.get(column);
            return i == null || i >= fields.size() ? "" : fields.get(i);
        }

        /** Returns {@code pxname}. */
        String proxy() {
            return get("pxname");
        }

        /** Returns {@code svname}. */
        String name() {
            return get("svname");
        }

        /** Returns the row type ({@link #FRONTEND}, {@link #BACKEND}, {@link #SERVER}, 3 listener), from
         * {@code type}, or from {@code svname} when {@code type} is not a number. */
        int type() {
            try {
                return Integer.parseInt(get("type"));
            } catch (NumberFormatException e) {
                return switch (name()) {
                    case "FRONTEND" -> FRONTEND;
                    case "BACKEND" -> BACKEND;
                    default -> SERVER;
                };
            }
        }

        /** Returns whether the row's {@code mode} is {@code http}. */
        boolean http() {
            return get("mode").equals("http");
        }
    }
}
