package io.warren.server.ws;

import io.warren.datagram.Ack;
import io.warren.datagram.Datagram;

/** The control datagrams a WebSocket tunnel sends besides the engine's: acks, errors, refusals. */
final class Frames {
    private Frames() {
    }

    /** {@code {"path":"/meta/ack","data":ACK}}: the answer to one client datagram. */
    static String ack(Ack ack) {
        return "{\"path\":\"/meta/ack\",\"data\":" + ack.toJson() + "}";
    }

    /** {@code {"path":"/meta/error","data":{"error":CODE,"message":...}}}: a message that could not be read at all. */
    static String error(String code, String message) {
        StringBuilder sb = new StringBuilder(96).append("{\"path\":\"/meta/error\",\"data\":{");
        Datagram.quote(sb.append("\"error\":"), code);
        Datagram.quote(sb.append(",\"message\":"), message == null ? "" : message);
        return sb.append("}}").toString();
    }

    /** A {@code /meta/close} datagram for an open that was refused: do not reconnect. */
    static String closeDatagram(String code, String message) {
        StringBuilder sb = new StringBuilder(128).append("{\"path\":\"/meta/close\",\"data\":{");
        Datagram.quote(sb.append("\"reason\":"), code);
        sb.append(",\"reconnect\":false");
        Datagram.quote(sb.append(",\"error\":"), code);
        Datagram.quote(sb.append(",\"message\":"), message == null ? "" : message);
        return sb.append("}}").toString();
    }
}
