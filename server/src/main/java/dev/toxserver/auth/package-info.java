/**
 * The server's side of CURVE authentication: its key pair, the authorised client keys (reloaded on
 * change) and the ZAP handler that accepts or rejects each connection.
 */
package dev.toxserver.auth;
