package io.haprobe.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints the CLI's tables: a blank line, then rows with columns aligned on two spaces, trailing blanks cut. */
final class Tables {

    private Tables() {
    }

    /**
     * Prints {@code rows} (the first is the header) as one block, atomically with respect to other writers of
     * {@code out}.
     *
     * @param rows the rows, each with as many cells as the header
     * @param out  where to print
     */
    static void print(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        synchronized (out) {
            out.println();
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(row[i]);
                    if (i < row.length - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }
}
