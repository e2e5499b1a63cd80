package io.warren.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a port, for network faults between a node and Redis: {@link #freeze}
 * stops forwarding in both directions without closing anything (a partition: the kernel buffers fill, no
 * FIN, no RST), {@link #freezeExisting} does so for the connections open now only (half-open connections
 * after a lost NAT entry: new connections work), {@link #thaw} resumes, {@link #drop} closes every
 * connection. One thread per direction of each connection; closing the proxy closes everything.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile boolean frozen;
    private volatile boolean closed;

    private TcpProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy to(int targetPort) {
        try {
            return new TcpProxy(targetPort);
        } catch (IOException e) {
            throw new AssertionError("cannot start the TCP proxy: " + e, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding on every connection, open now or opened later, until {@link #thaw}. */
    public void freeze() {
        frozen = true;
        links.forEach(l -> l.frozen = true);
    }

    /** Stops forwarding on the connections open now, for good; later connections are forwarded. */
    public void freezeExisting() {
        links.forEach(l -> {
            l.frozen = true;
            l.forever = true;
        });
    }

    /** Resumes forwarding (not on connections frozen by {@link #freezeExisting}). */
    public void thaw() {
        frozen = false;
        links.forEach(l -> {
            if (!l.forever) {
                l.frozen = false;
            }
            l.wake();
        });
    }

    /** Closes every connection now; new ones are accepted. */
    public void drop() {
        links.forEach(Link::close);
    }

    /** How many connections are open. */
    public int connections() {
        return links.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                Link l = new Link(client, upstream);
                l.frozen = frozen;
                links.add(l);
                l.start();
            } catch (IOException e) {
                if (!closed) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        drop();
    }

    /** One proxied connection: two pumps. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean frozen;
        volatile boolean forever;
        volatile boolean ended;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            Thread t = new Thread(
                    () -> {
                        byte[] buf = new byte[16384];
                        try (InputStream in = from.getInputStream();
                                OutputStream out = to.getOutputStream()) {
                            while (!ended) {
                                awaitThawed();
                                int n = in.read(buf);
                                if (n < 0) {
                                    break;
                                }
                                awaitThawed(); // read before the freeze: held, not forwarded
                                if (ended) {
                                    break;
                                }
                                out.write(buf, 0, n);
                                out.flush();
                            }
                        } catch (IOException | InterruptedException e) {
                            // the connection ended
                        } finally {
                            close();
                        }
                    },
                    "tcp-proxy-" + direction + "-" + from.getPort());
            t.setDaemon(true);
            t.start();
        }

        private synchronized void awaitThawed() throws InterruptedException {
            while (frozen && !ended) {
                wait();
            }
        }

        synchronized void wake() {
            notifyAll();
        }

        void close() {
            ended = true;
            links.remove(this);
            wake();
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
