package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code balance static-rr} and map-based hashing ({@code hash-type map-based} with {@code source}, {@code uri},
 * {@code url_param}, {@code hdr}): HAProxy's static map (lb_map.c {@code recalc_server_map},
 * {@code map_get_server_rr}, {@code map_get_server_hash}).
 *
 * <p>Weights are the user weights divided by their greatest common divisor ({@code init_server_map}). The map
 * holds {@code tot_weight} slots, filled so that each server appears as often as its weight, spread smoothly
 * and the first declared first; round robin walks it, a hash takes slot {@code hash % tot_weight}. When no
 * active server is usable, the map is built over the usable backups while {@code tot_weight} is the first
 * backup's weight alone (without {@code allbackups}), so the map's first slots may name other backups too, as
 * they do in HAProxy.
 *
 * <p>Not thread-safe.
 */
final class StaticMap extends AbstractLoadBalancer {

    private final int divisor;
    private final RequestHash hash;
    private int[] map;
    private final int[] score;
    private int rrIndex;

    StaticMap(Balancing balancing, List<? extends LbServer> servers, boolean allBackups) {
        super(servers, allBackups);
        this.divisor = weightDivisor(servers);
        this.hash = balancing.algorithm().hashing() ? new RequestHash(balancing) : null;
        this.score = new int[this.servers.length];
        readAll();
        int largest = 0;
        int act = 0;
        int bck = 0;
        for (int i = 0; i < this.servers.length; i++) {
            if (backup[i]) {
                bck += nextWeight[i];
            } else {
                act += nextWeight[i];
            }
            largest = Math.max(act, bck);
        }
        map = new int[Math.max(1, largest)];
        recalc();
    }

    @Override
    int scale(int eweight) {
        return (eweight + divisor - 1) / divisor;
    }

    @Override
    public LbServer pick(Request request, LbServer avoid) {
        Objects.requireNonNull(request, "request");
        if (totalWeight == 0) {
            return null;
        }
        if (hash != null) {
            long h = hash.hash(request, totalUsed);
            if (h != RequestHash.ABSENT) {
                return servers[map[(int) Long.remainderUnsigned(h, totalWeight)]];
            }
        }
        return roundRobin(indexOf(avoid));
    }

    @Override
    void changed(int i, boolean wasUsable, boolean isUsable) {
        recalc();
    }

    /** {@code map_get_server_rr}: the next slot whose server has room, avoiding {@code avoid} if possible. */
    private LbServer roundRobin(int avoid) {
        if (rrIndex < 0 || rrIndex >= totalWeight) {
            rrIndex = 0;
        }
        int index = rrIndex;
        int avoided = -1;
        int avoidedIndex = 0;
        do {
            int s = map[index++];
            if (hasRoom(s)) {
                avoided = s;
                avoidedIndex = index;
                if (s != avoid) {
                    rrIndex = index;
                    return servers[s];
                }
            }
            if (index == totalWeight) {
                index = 0;
            }
        } while (index != rrIndex);
        if (avoided >= 0) {
            rrIndex = avoidedIndex;
        }
        return server(avoided);
    }

    /**
     * {@code recalc_server_map}: each slot goes to the server whose accumulated weight is highest, the first
     * declared on ties; a chosen server pays the total back.
     */
    private void recalc() {
        if (totalUsed == 0) {
            return;
        }
        int total = totalWeight;
        if (map.length < total) {
            map = new int[total];
        }
        boolean backups = activeCount == 0;
        Arrays.fill(score, 0);
        for (int slot = 0; slot < total; slot++) {
            int best = -1;
            int max = 0;
            for (int i = 0; i < servers.length; i++) {
                if (backup[i] != backups || !nextUsable[i]) {
                    continue;
                }
                if (total == 1) {
                    best = i;
                    break;
                }
                score[i] += nextWeight[i];
                int v = (score[i] + total) / total;
                if (best < 0 || v > max) {
                    max = v;
                    best = i;
                }
            }
            map[slot] = best;
            if (best >= 0) {
                score[best] -= total;
            }
        }
    }

    /** The greatest common divisor of the non-zero weights ({@code lbprm.wmult}), 1 if none. */
    private static int weightDivisor(List<? extends LbServer> servers) {
        int gcd = 0;
        for (LbServer server : servers) {
            int w = server.eweight();
            if (w <= 0) {
                continue;
            }
            if (gcd == 0) {
                gcd = w;
            }
            while (w != 0) {
                int t = gcd % w;
                gcd = w;
                w = t;
            }
            if (gcd == 1) {
                break;
            }
        }
        return gcd == 0 ? 1 : gcd;
    }
}
