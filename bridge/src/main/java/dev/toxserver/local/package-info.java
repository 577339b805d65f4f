/**
 * {@code --local}: a tox-server embedded in the bridge's process. The only package of the bridge
 * that uses the server module (checked by {@code ArchitectureTest}).
 */
package dev.toxserver.local;
