/**
 * The API stage: {@code podtrail serve}. Entry: {@link io.podtrail.server.PodtrailServer#start}
 * with a {@link io.podtrail.server.ServerConfig}. Sensors POST to the ingest endpoints (acknowledged once the
 * events are durable, group-committed by one writer thread, bounded with 429); analysts read
 * {@code /api/v1/events}; bearer tokens ({@link io.podtrail.server.TokenStore}) carry a
 * {@link io.podtrail.server.Role} and an optional namespace/cluster scope enforced in the filter the store
 * runs. {@link io.podtrail.server.WebUi} serves the web UI's static files (resources {@code ui/}), which read
 * the same API with the user's token. See docs/server.md and docs/ui.md.
 */
package io.podtrail.server;
