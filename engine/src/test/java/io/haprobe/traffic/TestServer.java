package io.haprobe.traffic;

/** A mutable {@link LbServer} for tests: the fields are what the traffic model would keep. */
final class TestServer implements LbServer {

    final String name;
    final int index;
    final int puid;
    final boolean backup;
    boolean up = true;
    int eweight;
    int served;
    int queueLength;
    int maxConn;
    int dynamicMaxConn;
    int maxQueue;

    TestServer(String name, int index, int puid, boolean backup, int eweight) {
        this.name = name;
        this.index = index;
        this.puid = puid;
        this.backup = backup;
        this.eweight = eweight;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int puid() {
        return puid;
    }

    @Override
    public boolean backup() {
        return backup;
    }

    @Override
    public boolean usable() {
        return up && eweight > 0;
    }

    @Override
    public int eweight() {
        return eweight;
    }

    @Override
    public int served() {
        return served;
    }

    @Override
    public int queueLength() {
        return queueLength;
    }

    @Override
    public int maxConn() {
        return maxConn;
    }

    @Override
    public int dynamicMaxConn() {
        return maxConn == 0 ? 0 : dynamicMaxConn == 0 ? maxConn : dynamicMaxConn;
    }

    @Override
    public int maxQueue() {
        return maxQueue;
    }

    @Override
    public String toString() {
        return name;
    }
}
