/**
 * The core every stage depends on and nothing else: the normalized {@link io.podtrail.event.Event}, the field
 * catalogue {@link io.podtrail.event.Fields} (Falco/sysdig names, Podtrail's own under {@code podtrail.}), and
 * the small enums that name kinds and input formats. No dependency on any backend.
 */
package io.podtrail.event;
