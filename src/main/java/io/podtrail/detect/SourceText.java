package io.podtrail.detect;

/**
 * A piece of text read from a rules file (a condition, an output) with where it starts in the file, so that an
 * offset in the text can be turned into the file's line and column.
 *
 * @param text     the YAML scalar's value
 * @param file     the file name as given
 * @param fileText the whole file, or null when unknown
 * @param index    0-based character index of the scalar in the file
 * @param line     1-based line of the scalar
 * @param column   1-based column of the scalar
 */
record SourceText(String text, String file, String fileText, int index, int line, int column) {

    /** {@code [line, column]} in the file of character {@code offset} of the text. */
    int[] locate(int offset) {
        if (fileText == null || index < 0 || index >= fileText.length()) {
            return new int[] {line, column};
        }
        // The scalar's value differs from the file only in folded whitespace (block and plain scalars) and in
        // quotes: walk both, skipping blanks and quote characters, until the offset is reached.
        int f = index;
        int t = 0;
        int target = Math.min(offset, text.length());
        char first = fileText.charAt(f);
        if (first == '>' || first == '|') {
            while (f < fileText.length() && fileText.charAt(f) != '\n') {
                f++;
            }
        } else if (first == '"' || first == '\'') {
            f++;
        }
        while (t < target && f < fileText.length()) {
            char tc = text.charAt(t);
            if (Character.isWhitespace(tc)) {
                t++;
                continue;
            }
            char fc = fileText.charAt(f);
            if (Character.isWhitespace(fc) || fc == '\\' && tc != '\\') {
                f++;
                continue;
            }
            if (fc != tc) {
                return new int[] {line, column}; // an escape we do not follow: the scalar's start
            }
            t++;
            f++;
        }
        while (target < text.length() && f < fileText.length() && Character.isWhitespace(fileText.charAt(f))) {
            f++;
        }
        int l = 1;
        int lineStart = 0;
        for (int i = 0; i < f && i < fileText.length(); i++) {
            if (fileText.charAt(i) == '\n') {
                l++;
                lineStart = i + 1;
            }
        }
        return new int[] {l, f - lineStart + 1};
    }
}
