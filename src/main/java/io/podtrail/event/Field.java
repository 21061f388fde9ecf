package io.podtrail.event;

/**
 * One entry of the field catalogue.
 *
 * @param name        the field name as users write it in filters and rules ({@code proc.name})
 * @param type        value type
 * @param description one sentence for {@code podtrail fields} and docs/fields.md
 * @param sources     which inputs fill it (e.g. "tetragon, falco")
 * @param stored      true when the value is stored in its own column of the trail; false for fields
 *                    computed from stored ones at query time (arguments such as {@code ka.uri.param[NAME]},
 *                    CIDR pseudo-fields such as {@code fd.net})
 * @param argument    true when the field takes an argument in brackets ({@code ka.uri.param[command]})
 * @param index       position in {@link Event}'s value array for stored fields, -1 otherwise
 */
public record Field(String name, FieldType type, String description, String sources,
                    boolean stored, boolean argument, int index) {

    /** The store column for a stored field: dots become underscores ({@code proc.name -> proc_name}). */
    public String column() {
        return name.replace('.', '_');
    }
}
