/**
 * Text that others control, made safe to show: {@link dev.toxserver.text.LogText} escapes it (and
 * cuts it short) for log lines and messages, on both sides.
 */
package dev.toxserver.text;
