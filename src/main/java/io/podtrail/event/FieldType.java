package io.podtrail.event;

/** The value type of a catalogue field, as the filter language and the store see it. */
public enum FieldType {
    /** Text. */
    STRING,
    /** 64-bit signed integer. */
    LONG,
    /** Nanoseconds since the Unix epoch, UTC. */
    TIME,
    /** true / false. */
    BOOL,
    /** An IPv4 or IPv6 address in text form; CIDR tests compare it numerically. */
    IP,
    /** An ordered list of strings (groups, source IPs, tags). */
    STRING_LIST,
    /** String keys to string values (labels). */
    STRING_MAP
}
