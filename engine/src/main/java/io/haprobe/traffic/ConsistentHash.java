package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Consistent hashing ({@code hash-type consistent} with {@code source}, {@code uri}, {@code url_param},
 * {@code hdr}) and {@code balance random}: HAProxy's hash ring (lb_chash.c {@code chash_get_server_hash},
 * {@code chash_get_next_server}, {@code chash_queue_dequeue_srv}, {@code chash_server_is_eligible}; backend.c
 * {@code get_server_rnd}).
 *
 * <p>Each server has {@code eweight} points on a 32-bit ring (16 per unit of weight), point {@code j} at
 * {@code full_hash(puid × 4096 + j)}; active and backup servers have a ring each. A hash goes to the server of
 * the nearest point, before or after it (before on a tie). With {@code hash-balance-factor}, a server already
 * serving more than its share is passed over for the next point. When the request has no key, HAProxy walks
 * the ring point by point from where the last such walk stopped, skipping full servers. {@code random} draws
 * {@code draws} random hashes and keeps the server with the fewest requests per weight.
 *
 * <p>Not thread-safe.
 */
final class ConsistentHash extends AbstractLoadBalancer {

    private static final int POINT_BITS = 13;
    private static final int POINT_MASK = (1 << POINT_BITS) - 1;

    private final RequestHash hash;
    private final int draws;
    private final int balanceFactor;
    private final RandomGenerator random;
    private final Ring active = new Ring();
    private final Ring backups = new Ring();
    /** Points a server may have without growing ({@code lb_nodes_tot}). */
    private final int[] capacity;
    /** Points a server has on its ring ({@code lb_nodes_now}). */
    private final int[] present;
    /** The weight of the usable servers declared before it in its group, at start ({@code cumulative_weight}). */
    private final int[] cumulativeWeight;
    private long servedTotal;
    /** Where the last walk without a key stopped ({@code lbprm.chash.last}): a ring and a point id, or none. */
    private Ring lastRing;
    private int lastId;
    private int lastPos;

    ConsistentHash(Balancing balancing, List<? extends LbServer> servers, boolean allBackups,
                   RandomGenerator random) {
        super(servers, allBackups);
        this.random = random;
        this.hash = balancing.algorithm().hashing() ? new RequestHash(balancing) : null;
        this.draws = balancing.algorithm() == Balancing.Algorithm.RANDOM ? balancing.arguments().draws() : 0;
        this.balanceFactor = balancing.hashBalanceFactor();
        int n = this.servers.length;
        capacity = new int[n];
        present = new int[n];
        cumulativeWeight = new int[n];
        readAll();
        int activeSoFar = 0;
        int backupSoFar = 0;
        for (int i = 0; i < n; i++) {
            servedTotal += this.servers[i].served();
            if (usable[i]) {
                if (backup[i]) {
                    cumulativeWeight[i] = backupSoFar;
                    backupSoFar += weight[i];
                } else {
                    cumulativeWeight[i] = activeSoFar;
                    activeSoFar += weight[i];
                }
            }
            capacity[i] = Math.min(weight[i], POINT_MASK + 1);
            if (usable[i]) {
                adjust(i);
            }
        }
    }

    @Override
    public LbServer pick(Request request, LbServer avoid) {
        Objects.requireNonNull(request, "request");
        if (totalWeight == 0) {
            return null;
        }
        int avoidIndex = indexOf(avoid);
        if (draws > 0) {
            return server(randomPick(avoidIndex));
        }
        if (hash != null) {
            long h = hash.hash(request, totalUsed);
            if (h != RequestHash.ABSENT) {
                return server(nearest((int) h, avoidIndex));
            }
        }
        return server(walk(avoidIndex));
    }

    @Override
    public void taken(LbServer server) {
        servedTotal++;
    }

    @Override
    public void released(LbServer server) {
        servedTotal--;
    }

    @Override
    void changed(int i, boolean wasUsable, boolean isUsable) {
        if (!wasUsable && !isUsable) {
            return;
        }
        if (!isUsable) {
            removeDownTo(i, 0);
        } else {
            adjust(i);
        }
    }

    /** {@code get_server_rnd}: the best of the draws, or none if that one is full. */
    private int randomPick(int avoid) {
        int current = -1;
        int left = draws;
        do {
            int previous = current;
            current = nearest(random.nextInt(), avoid);
            if (current < 0) {
                break;
            }
            if (previous >= 0 && previous != current
                    && (long) servers[current].served() * weight[previous]
                    > (long) servers[previous].served() * weight[current]) {
                current = previous;
            }
        } while (--left > 0);
        if (current >= 0) {
            LbServer s = servers[current];
            if (s.queueLength() > 0 || s.maxConn() > 0 && s.served() >= s.dynamicMaxConn()) {
                return -1;
            }
        }
        return current;
    }

    /** {@code chash_get_server_hash}: the server of the point nearest to {@code h}. */
    private int nearest(int h, int avoid) {
        Ring root;
        if (activeCount > 0) {
            root = active;
        } else if (firstBackup >= 0) {
            return firstBackup;
        } else if (backupCount > 0) {
            root = backups;
        } else {
            return -1;
        }
        if (root.size == 0) {
            return -1;
        }
        int next = root.lowerBound(h);
        if (next == root.size) {
            next = 0;
        }
        int prev = next == 0 ? root.size - 1 : next - 1;
        int dp = h - root.keys[prev];
        int dn = root.keys[next] - h;
        int pos = Integer.compareUnsigned(dp, dn) <= 0 ? prev : next;
        int chosen = root.owner[pos];
        int loops = 0;
        while (chosen == avoid || balanceFactor > 0 && !eligible(chosen)) {
            pos++;
            if (pos == root.size) {
                pos = 0;
                if (++loops > 1) {
                    break; // HAProxy keeps the last server it looked at
                }
            }
            chosen = root.owner[pos];
        }
        return chosen;
    }

    /** {@code chash_server_is_eligible}: bounded loads, the server's share of all requests plus this one. */
    private boolean eligible(int s) {
        long slotsTotal = ((servedTotal + 1) * balanceFactor + 99) / 100;
        long perWeight = slotsTotal / totalWeight;
        long remainder = slotsTotal % totalWeight;
        long slots = weight[s] * perWeight
                + (cumulativeWeight[s] + weight[s]) * remainder / totalWeight
                - cumulativeWeight[s] * remainder / totalWeight;
        return servers[s].served() < Math.max(slots, 1);
    }

    /** {@code chash_get_next_server}: the next point with room after where the last walk stopped. */
    private int walk(int avoid) {
        Ring root;
        if (activeCount > 0) {
            root = active;
        } else if (firstBackup >= 0) {
            return firstBackup;
        } else if (backupCount > 0) {
            root = backups;
        } else {
            return -1;
        }
        Ring ring = lastRing;
        int pos = ring == null ? -1 : lastPos;
        Ring stopRing = ring;
        int stopPos = pos;
        int avoided = -1;
        Ring avoidedRing = null;
        int avoidedPos = -1;
        // HAProxy 2.6 walks on from a point left in the other ring and stops only on a server; bound it
        for (int steps = 0, limit = active.size + backups.size + 2; steps < limit; steps++) {
            if (ring != null) {
                pos++;
                if (pos == ring.size) {
                    ring = null;
                }
            }
            if (ring == null) {
                ring = root;
                pos = 0;
            }
            if (ring.size == 0) {
                setLast(null, -1);
                return -1;
            }
            setLast(ring, pos);
            if (stopRing == null) {
                stopRing = ring;
                stopPos = pos;
            }
            int s = ring.owner[pos];
            if (hasRoom(s)) {
                if (s != avoid) {
                    return s;
                }
                avoided = s;
                avoidedRing = ring;
                avoidedPos = pos;
            }
            if (ring == stopRing && pos == stopPos) {
                break;
            }
        }
        setLast(avoidedRing, avoidedPos);
        return avoided;
    }

    private void setLast(Ring ring, int pos) {
        lastRing = ring;
        lastPos = pos;
        lastId = ring == null ? -1 : ring.ids[pos];
    }

    private Ring ring(int s) {
        return backup[s] ? backups : active;
    }

    /** {@code chash_queue_dequeue_srv}: as many points as the server's new weight. */
    private void adjust(int s) {
        int target = Math.min(nextWeight[s], POINT_MASK + 1);
        removeDownTo(s, target);
        if (capacity[s] < target) {
            removeDownTo(s, 0);
            capacity[s] = target;
        }
        if (present[s] < target) {
            Ring ring = ring(s);
            int puid = servers[s].puid();
            int added = target - present[s];
            int[] keys = new int[ring.size + added];
            int[] ids = new int[ring.size + added];
            System.arraycopy(ring.keys, 0, keys, 0, ring.size);
            System.arraycopy(ring.ids, 0, ids, 0, ring.size);
            for (int j = present[s], k = ring.size; j < target; j++, k++) {
                keys[k] = HashFunctions.fullHash(puid * 4096 + j);
                ids[k] = s << POINT_BITS | j;
            }
            present[s] = target;
            ring.sort(keys, ids, keys.length);
            relocateLast(ring);
        }
    }

    /**
     * Removes the server's points from the last one down to {@code target}, moving the walk's stop to the next
     * point left when its point goes ({@code chash_skip_node}).
     */
    private void removeDownTo(int s, int target) {
        if (present[s] <= target) {
            return;
        }
        Ring ring = ring(s);
        int[] positionOf = new int[present[s]];
        for (int p = 0; p < ring.size; p++) {
            int id = ring.ids[p];
            if (id >>> POINT_BITS == s && (id & POINT_MASK) >= target) {
                positionOf[id & POINT_MASK] = p;
            }
        }
        boolean[] removed = new boolean[ring.size];
        for (int j = present[s] - 1; j >= target; j--) {
            int p = positionOf[j];
            if (lastRing == ring && lastPos == p) {
                int q = p;
                do {
                    q = q + 1 == ring.size ? 0 : q + 1;
                } while (removed[q] && q != p);
                if (q == p) {
                    lastRing = null;
                    lastId = -1;
                } else {
                    lastPos = q;
                    lastId = ring.ids[q];
                }
            }
            removed[p] = true;
        }
        present[s] = target;
        int kept = 0;
        for (int p = 0; p < ring.size; p++) {
            if (!removed[p]) {
                ring.keys[kept] = ring.keys[p];
                ring.ids[kept] = ring.ids[p];
                ring.owner[kept] = ring.owner[p];
                kept++;
            }
        }
        ring.size = kept;
        relocateLast(ring);
    }

    private void relocateLast(Ring ring) {
        if (lastRing != ring) {
            return;
        }
        for (int p = 0; p < ring.size; p++) {
            if (ring.ids[p] == lastId) {
                lastPos = p;
                return;
            }
        }
        lastRing = null;
        lastId = -1;
    }

    /** One ring: points sorted by unsigned key, then by when they were inserted. */
    private static final class Ring {
        int[] keys = new int[0];
        int[] ids = new int[0];
        int[] owner = new int[0];
        int size;

        /** The first point whose key is {@code >= h} (unsigned), or {@link #size}. */
        int lowerBound(int h) {
            // halving without a data-dependent branch: random hashes make a branchy search mispredict each step
            int target = h ^ Integer.MIN_VALUE;
            int base = 0;
            int n = size;
            while (n > 1) {
                int half = n >>> 1;
                base = (keys[base + half - 1] ^ Integer.MIN_VALUE) < target ? base + half : base;
                n -= half;
            }
            return n == 1 && (keys[base] ^ Integer.MIN_VALUE) < target ? base + 1 : base;
        }

        /**
         * Takes the points, the ring's own first in their order, then the new ones in insertion order, and
         * sorts them by key; equal keys keep that order, as eb32 trees keep duplicates in insertion order.
         */
        void sort(int[] newKeys, int[] newIds, int n) {
            long[] packed = new long[n];
            for (int k = 0; k < n; k++) {
                packed[k] = (long) (newKeys[k] ^ Integer.MIN_VALUE) << 32 | k;
            }
            Arrays.sort(packed);
            keys = new int[n];
            ids = new int[n];
            owner = new int[n];
            for (int k = 0; k < n; k++) {
                int from = (int) packed[k];
                keys[k] = newKeys[from];
                ids[k] = newIds[from];
                owner[k] = newIds[from] >>> POINT_BITS;
            }
            size = n;
        }
    }
}
