package io.warren.format;

/** How a format uses its HTTP response. */
public enum Mode {
    /** One long response carries many datagrams, with keepalives, until the connection ends. */
    STREAM,
    /** The response ends after one batch of datagrams (or an empty one when the poll times out). */
    POLL
}
