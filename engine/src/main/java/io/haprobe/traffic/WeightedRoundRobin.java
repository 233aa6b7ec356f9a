package io.haprobe.traffic;

import java.util.List;
import java.util.Objects;

/**
 * {@code balance roundrobin}: HAProxy's fast weighted round robin (lb_fwrr.c {@code fwrr_get_next_server},
 * {@code fwrr_set_server_status_up/down}, {@code fwrr_update_server_weight}), in the same order of picks.
 *
 * <p>Active and backup servers form two groups. Each group has a current tree, ordered by the position at
 * which each server is due next ({@code npos}, then the heavier first), and two weight-ordered trees that swap
 * roles ("init" and "next") each time the group has gone once through its total weight. A pick takes the
 * first due server of the current tree, or the heaviest waiting in "init"; full servers are set aside and put
 * back afterwards, as HAProxy does. HAProxy only ever reads these trees from their first node, so each is a
 * heap here ({@link RankedHeap}) with the trees' order: key, then insertion order.
 *
 * <p>Not thread-safe.
 */
final class WeightedRoundRobin extends AbstractLoadBalancer {

    private static final int UWEIGHT_RANGE = 256;
    private static final int EWEIGHT_MAX = 256 * 16;
    private static final int WEIGHT_SCALE = 16;

    private final Group active;
    private final Group backups;
    private final int[] npos;
    private final int[] lpos;
    private final int[] rweight;
    /** The tree HAProxy's {@code srv->lb_tree} names; may be stale while a pick holds the server out. */
    private final RankedHeap[] tree;
    /** The tree that holds the server now, or null. */
    private final RankedHeap[] member;
    private final int[] setAside;

    WeightedRoundRobin(List<? extends LbServer> servers, boolean allBackups) {
        super(servers, allBackups);
        int n = this.servers.length;
        npos = new int[n];
        lpos = new int[n];
        rweight = new int[n];
        tree = new RankedHeap[n];
        member = new RankedHeap[n];
        setAside = new int[n];
        readAll();
        active = new Group(n, activeWeight);
        backups = new Group(n, backupWeight);
        for (int i = 0; i < n; i++) {
            if (usable[i]) {
                queueByWeight(group(i).init, i);
            }
        }
    }

    @Override
    public LbServer pick(Request request, LbServer avoid) {
        Objects.requireNonNull(request, "request");
        if (totalWeight == 0) {
            return null;
        }
        Group group;
        if (activeCount > 0) {
            group = active;
        } else if (firstBackup >= 0) {
            return servers[firstBackup];
        } else if (backupCount > 0) {
            group = backups;
        } else {
            return null;
        }
        int avoidIndex = indexOf(avoid);
        boolean switched = false;
        int avoided = -1;
        int asideCount = 0;
        int chosen = -1;
        while (true) {
            if (group.currWeight == 0) {
                group.currPos = group.currWeight = group.nextWeight;
            }
            int s = fromGroup(group);
            while (s < 0 && !switched) {
                switched = true;
                group.switchTrees();
                s = fromGroup(group);
            }
            if (s < 0) {
                chosen = avoided;
                break;
            }
            updatePosition(group, s);
            dequeue(s);
            group.currPos++;
            if (hasRoom(s)) {
                if (s != avoidIndex || avoided >= 0) {
                    chosen = s;
                    break;
                }
                avoided = s;
            }
            setAside[asideCount++] = s;
        }
        if (chosen >= 0) {
            queue(chosen);
        }
        // put back what was set aside, newest first, as HAProxy walks its list
        for (int k = asideCount - 1; k >= 0; k--) {
            int s = setAside[k];
            if (s == chosen) {
                continue;
            }
            if (switched) {
                queueByWeight(group.init, s);
            } else {
                queue(s);
            }
        }
        return server(chosen);
    }

    @Override
    void changed(int i, boolean wasUsable, boolean isUsable) {
        Group g = group(i);
        if (!wasUsable && !isUsable) {
            return;
        }
        if (wasUsable && !isUsable) {
            g.nextWeight -= weight[i];
            dequeue(i);
            tree[i] = null;
            return;
        }
        if (!wasUsable) {
            g.nextWeight += nextWeight[i];
            prepare(i);
            npos[i] = g.currPos + (g.nextWeight + g.currWeight - g.currPos) / nextWeight[i];
            queue(i);
            return;
        }
        g.nextWeight += nextWeight[i] - weight[i];
        if (tree[i] == g.init) {
            dequeue(i);
            queueByWeight(g.init, i);
        } else if (tree[i] == null) {
            dequeue(i);
            prepare(i);
            npos[i] = g.currPos + (g.nextWeight + g.currWeight - g.currPos) / nextWeight[i];
            queue(i);
        } else {
            // still due in the current round, or waiting for the next: keep what it already consumed
            prepare(i);
            if (nextWeight[i] > 0) {
                int previous = npos[i];
                int step = g.nextWeight / nextWeight[i];
                npos[i] = Math.min(lpos[i] + step, previous);
                rweight[i] = 0;
                if (npos[i] < g.currPos + 2) {
                    npos[i] = g.currPos + step;
                }
            } else {
                npos[i] = g.currPos + g.currWeight;
            }
            dequeue(i);
            queue(i);
        }
    }

    private Group group(int i) {
        return backup[i] ? backups : active;
    }

    /** {@code fwrr_get_server_from_group}: the due server of the current tree, else the heaviest waiting. */
    private int fromGroup(Group g) {
        int s1 = g.curr.first();
        if (s1 >= 0 && weight[s1] != 0 && npos[s1] <= g.currPos) {
            return s1;
        }
        int s2 = g.init.first();
        if (s2 >= 0 && weight[s2] != 0) {
            npos[s2] = 0;
            rweight[s2] = 0;
            return s2;
        }
        return s1;
    }

    /** {@code fwrr_update_position}: the next position, spreading the division's remainder. */
    private void updatePosition(Group g, int s) {
        int e = weight[s];
        if (e == 0) {
            return;
        }
        if (npos[s] == 0) {
            npos[s] = g.currPos;
        }
        lpos[s] = npos[s];
        npos[s] += g.nextWeight / e;
        rweight[s] += g.nextWeight % e;
        if (rweight[s] >= e) {
            rweight[s] -= e;
            npos[s]++;
        }
    }

    /** {@code fwrr_get_srv}: the position a server restarts from, given the tree it was in. */
    private void prepare(int s) {
        Group g = group(s);
        if (tree[s] == g.init) {
            npos[s] = 0;
            rweight[s] = 0;
        } else if (tree[s] == g.next) {
            npos[s] += g.currWeight;
        } else if (tree[s] == null) {
            npos[s] = g.currPos;
        }
    }

    /** {@code fwrr_queue_srv}: into the current tree if due within this round, else into "next". */
    private void queue(int s) {
        Group g = group(s);
        if (!nextUsable[s]) {
            tree[s] = null;
            return;
        }
        if (nextWeight[s] <= 0 || npos[s] >= 2 * g.currWeight || npos[s] >= g.currWeight + g.nextWeight) {
            npos[s] -= g.currWeight;
            queueByWeight(g.next, s);
            return;
        }
        long tail = Integer.toUnsignedLong(EWEIGHT_MAX + rweight[s] - nextWeight[s]) / WEIGHT_SCALE;
        insert(g.curr, s, UWEIGHT_RANGE * npos[s] + (int) tail);
    }

    /** {@code fwrr_queue_by_weight}: heaviest first. */
    private void queueByWeight(RankedHeap into, int s) {
        insert(into, s, EWEIGHT_MAX - nextWeight[s]);
    }

    private void insert(RankedHeap into, int s, int key) {
        into.insert(s, key);
        member[s] = into;
        tree[s] = into;
    }

    private void dequeue(int s) {
        if (member[s] != null) {
            member[s].remove(s);
            member[s] = null;
        }
    }

    /** One group (active or backup servers) and its three trees. */
    private static final class Group {
        final RankedHeap curr;
        RankedHeap init;
        RankedHeap next;
        int currPos;
        int currWeight;
        int nextWeight;

        Group(int capacity, int weight) {
            curr = new RankedHeap(capacity);
            init = new RankedHeap(capacity);
            next = new RankedHeap(capacity);
            currPos = weight;
            currWeight = weight;
            nextWeight = weight;
        }

        /** {@code fwrr_switch_trees}: "next" becomes "init" and a new round starts. */
        void switchTrees() {
            RankedHeap swap = init;
            init = next;
            next = swap;
            currWeight = nextWeight;
            currPos = currWeight;
        }
    }
}
