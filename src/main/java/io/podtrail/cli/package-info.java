/**
 * The {@code podtrail} command line (picocli): one class per command; shared options in
 * {@code DataDir} ({@code --data}) and {@code ReadOptions} ({@code --since/--from/--to/--limit/-o}).
 */
package io.podtrail.cli;
