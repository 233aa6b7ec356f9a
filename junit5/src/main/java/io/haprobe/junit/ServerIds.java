package io.haprobe.junit;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.ServerSnapshot;

import java.util.Objects;
import java.util.Optional;

/** Finds servers by {@code backend/server} and writes outcomes in the compact form assertions compare. */
final class ServerIds {

    private ServerIds() {
    }

    /**
     * Returns the snapshot of the server {@code id} of {@code engine}.
     *
     * @throws NullPointerException     if {@code id} is null
     * @throws IllegalArgumentException if {@code id} has no {@code /} or names no server the engine checks
     */
    static ServerSnapshot snapshot(HealthCheckEngine engine, String id) {
        Objects.requireNonNull(id, "server");
        int slash = id.indexOf('/');
        Optional<ServerSnapshot> snapshot = slash < 0 ? Optional.empty()
                : engine.server(id.substring(0, slash), id.substring(slash + 1));
        if (snapshot.isPresent()) {
            return snapshot.get();
        }
        throw new IllegalArgumentException("server: '" + id + "' (expected: one of "
                + engine.servers().stream().map(ServerSnapshot::id).toList() + ")");
    }

    /**
     * Returns e.g. {@code L7STS 204 "No Content"}: the status tag, the code when the status carries one, the
     * info in quotes when not empty; {@code INI} before the first check. The same words as the end of
     * {@link io.haprobe.engine.Timeline.Transition#toString()}.
     */
    static String compact(Optional<CheckOutcome> outcome) {
        if (outcome.isEmpty()) {
            return CheckStatus.INI.tag();
        }
        CheckOutcome o = outcome.get();
        StringBuilder out = new StringBuilder(40).append(o.status().tag());
        if (o.status().hasCode()) {
            out.append(' ').append(o.code());
        }
        if (!o.info().isEmpty()) {
            out.append(" \"").append(o.info()).append('"');
        }
        return out.toString();
    }
}
