/**
 * Key files and where they live: the CURVE key pair format ({@link dev.toxserver.keys.KeyFiles}),
 * this user's client keys ({@link dev.toxserver.keys.ClientKeys}), and the project's {@code
 * .tox-server/} folder that the server writes and clients read ({@link
 * dev.toxserver.keys.StateDir}, {@link dev.toxserver.keys.ProjectKeys}).
 */
package dev.toxserver.keys;
