package io.warren.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client over a plain socket, so tests control the connection: read a
 * streamed body as it arrives, or drop the socket mid-stream. Handles chunked and content-length bodies.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private long remaining = -1; // content-length bodies
    private boolean chunked;
    private long chunkLeft;
    private boolean eof;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Sends a request and reads the status line and headers. */
    public static RawHttp request(int port, String method, String target, Map<String, String> extraHeaders, byte[] body)
            throws IOException {
        RawHttp h = send(port, method, target, extraHeaders, body);
        h.readHead();
        return h;
    }

    /**
     * As {@link #request(int, String, String, Map, byte[])} from local address {@code from} (such as
     * {@code 127.0.0.2}), so a test can play several client addresses; null for any.
     */
    public static RawHttp request(
            String from, int port, String method, String target, Map<String, String> extraHeaders, byte[] body)
            throws IOException {
        RawHttp h = send(from, port, method, target, extraHeaders, body);
        h.readHead();
        return h;
    }

    /** Sends a request without waiting for the answer; call {@link #readHead()} next. */
    public static RawHttp send(int port, String method, String target, Map<String, String> extraHeaders, byte[] body)
            throws IOException {
        return send(null, port, method, target, extraHeaders, body);
    }

    /** As {@link #send(int, String, String, Map, byte[])} from local address {@code from}, or any when null. */
    public static RawHttp send(
            String from, int port, String method, String target, Map<String, String> extraHeaders, byte[] body)
            throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000);
        RawHttp h = new RawHttp(s);
        StringBuilder req = new StringBuilder();
        req.append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port)
                .append("\r\n");
        for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
            req.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        if (body != null) {
            req.append("Content-Length: ").append(body.length).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return h;
    }

    public static RawHttp get(int port, String target) throws IOException {
        return request(port, "GET", target, Map.of(), null);
    }

    public static RawHttp get(int port, String target, Map<String, String> headers) throws IOException {
        return request(port, "GET", target, headers, null);
    }

    /** Reads the status line and headers (blocks until the server answers). */
    public void readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int c = line.indexOf(':');
            headers.put(
                    line.substring(0, c).trim().toLowerCase(Locale.ROOT),
                    line.substring(c + 1).trim());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        if (!chunked && headers.containsKey("content-length")) {
            remaining = Long.parseLong(headers.get("content-length"));
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads some body bytes as they arrive; -1 at the end of the body (or when the server closed). */
    public int read(byte[] buf) throws IOException {
        if (eof) {
            return -1;
        }
        if (chunked) {
            if (chunkLeft == 0) {
                String size = readLine();
                if (size == null) {
                    eof = true;
                    return -1;
                }
                if (size.isEmpty()) {
                    size = readLine();
                }
                if (size == null) {
                    eof = true;
                    return -1;
                }
                chunkLeft = Long.parseLong(size.trim(), 16);
                if (chunkLeft == 0) {
                    readLine();
                    eof = true;
                    return -1;
                }
            }
            int n = in.read(buf, 0, (int) Math.min(buf.length, chunkLeft));
            if (n < 0) {
                eof = true;
                return -1;
            }
            chunkLeft -= n;
            return n;
        }
        if (remaining == 0) {
            eof = true;
            return -1;
        }
        int n = in.read(buf, 0, remaining < 0 ? buf.length : (int) Math.min(buf.length, remaining));
        if (n < 0) {
            eof = true;
            return -1;
        }
        if (remaining > 0) {
            remaining -= n;
        }
        return n;
    }

    /** Reads the whole body (for non-streamed answers). */
    public String body() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = read(buf)) != -1) {
            b.write(buf, 0, n);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Drops the connection abruptly, as a client whose network fails. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    public boolean isClosed() {
        return socket.isClosed();
    }
}
