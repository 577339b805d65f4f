/**
 * The server's side of CURVE authentication: its key pair, the authorised client keys (reloaded on
 * change, by content), the ZAP handler that accepts or rejects each connection and gives it its key
 * as user id (which the server checks at every request, for revocation), and the per-address limit
 * on failed handshakes.
 */
package dev.toxserver.auth;
