package io.haprobe.config;

import java.util.Objects;

/**
 * One proxy section as declared ({@code frontend}, {@code backend} or {@code listen}), in file order: what the
 * runtime API's {@code show stat} lists (a {@code FRONTEND} row for a frontend or listen section, server rows and
 * a {@code BACKEND} row for a backend or listen section) and numbers ({@code iid}, spec §10.1).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name     the section's name; never null
 * @param kind     {@code frontend}, {@code backend} or {@code listen}; never null
 * @param mode     its {@code mode}, inherited from its defaults: {@code http} or {@code tcp} (the default), as
 *                 {@code show stat}'s {@code mode} column prints it; never null
 * @param location where it is declared; never null
 */
public record ProxyDeclaration(String name, String kind, String mode, SourceLocation location) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public ProxyDeclaration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(location, "location");
    }

    /**
     * Tells whether the section receives connections ({@code frontend}, {@code listen}).
     *
     * @return true for a frontend or listen section
     */
    public boolean hasFrontend() {
        return !kind.equals("backend");
    }

    /**
     * Tells whether the section has servers ({@code backend}, {@code listen}).
     *
     * @return true for a backend or listen section
     */
    public boolean hasBackend() {
        return !kind.equals("frontend");
    }
}
