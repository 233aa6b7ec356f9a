package io.haprobe.config;

/**
 * Finds the name a user probably meant, for "did you mean" hints in error messages.
 *
 * <p>Stateless and thread-safe. Not API.
 */
public final class Spelling {

    /** Longer words are not compared: a hint is not worth a quadratic cost on hostile input. */
    private static final int MAX_LENGTH = 200;

    private Spelling() {
    }

    /**
     * Returns the candidate closest to {@code word} in Levenshtein distance, if it is within {@code maxDistance}
     * edits; the earlier candidate wins a tie.
     *
     * @param word        what the user wrote; never null
     * @param candidates  the known names, in order of preference; never null
     * @param maxDistance the most edits a hint may be away, {@code >= 0}
     * @return the closest candidate, or null when none is close enough
     */
    public static String closest(String word, Iterable<String> candidates, int maxDistance) {
        String best = null;
        int bestDistance = maxDistance + 1;
        for (String candidate : candidates) {
            int distance = editDistance(word, candidate, bestDistance);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /**
     * Returns the Levenshtein distance between two words, or {@code limit} when it is surely not below it.
     *
     * @param a     a word; never null
     * @param b     another word; never null
     * @param limit the distance from which the exact value does not matter
     * @return the distance, at most {@code limit}
     */
    public static int editDistance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit || a.length() > MAX_LENGTH || b.length() > MAX_LENGTH) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit);
    }
}
