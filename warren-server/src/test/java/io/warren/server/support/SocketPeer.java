package io.warren.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The client end of a real socket for connection contract tests: a thread reads everything the server
 * sends into a log, until end of stream, and can be told to stop reading so that the server's socket
 * buffer fills.
 */
public final class SocketPeer implements AutoCloseable {
    private final Socket socket;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Thread reader;
    private boolean paused;
    private volatile boolean eof;

    public SocketPeer(int port, byte[] request) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        reader = new Thread(this::readAll, "socket-peer-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    private void readAll() {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                synchronized (this) {
                    while (paused) {
                        wait();
                    }
                }
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                synchronized (log) {
                    log.write(buf, 0, n);
                }
            }
        } catch (IOException | InterruptedException e) {
            // closed by this side (disconnect, close): what was read is what was received
        } finally {
            eof = true;
        }
    }

    /** Every byte received so far. */
    public byte[] bytes() {
        synchronized (log) {
            return log.toByteArray();
        }
    }

    /**
     * Sends more on the same connection. The stream is fetched once: a server that answers by closing may
     * be seen (and the socket closed by the reader) before a second {@code getOutputStream()}.
     */
    public void write(byte[] more) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(more);
        out.flush();
    }

    /** Whether the server closed the connection (or this side did). */
    public boolean eof() {
        return eof;
    }

    public synchronized void pauseReading(boolean pause) {
        paused = pause;
        notifyAll();
    }

    /** Goes away without a word: the socket closes. */
    public void disconnect() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        disconnect();
        pauseReading(false);
    }
}
