/**
 * The secret store ({@link io.tributary.access.secrets.SecretStore}: versions in stages, sealed
 * with AES-256-GCM envelope encryption under a {@link io.tributary.access.secrets.MasterKey}),
 * rotation in four steps ({@link io.tributary.access.secrets.Rotations} driving a {@link
 * io.tributary.access.secrets.Rotator}), config variables ({@link
 * io.tributary.access.secrets.VariableStore}) and the {@code ${secret:name}} / {@code ${var:key}}
 * {@link io.tributary.access.secrets.Placeholders}.
 */
package io.tributary.access.secrets;
