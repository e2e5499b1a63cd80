package io.warren.engine;

import io.warren.format.Format;
import io.warren.format.Mode;
import io.warren.spi.Connection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection that records what the engine sends, as text, per flush. It keeps the {@link Connection}
 * contract (calls after the end are ignored, and counted in {@link #callsAfterEnd}) and fails loudly on what
 * the engine must never do: open twice.
 */
final class RecordingConnection implements Connection {
    final Format format;
    final StringBuilder pending = new StringBuilder();
    final List<String> flushes = new ArrayList<>();
    final StringBuilder all = new StringBuilder();
    boolean writable = true;
    boolean active = true;
    boolean opened;
    String endReason;
    int callsAfterEnd;

    RecordingConnection(Format format) {
        this.format = format;
    }

    @Override
    public Format format() {
        return format;
    }

    @Override
    public String callback() {
        return format.callbackRequired() ? "cb" : format.defaultCallback();
    }

    @Override
    public void open(byte[] header) {
        if (opened) {
            throw new AssertionError("opened twice");
        }
        opened = true;
        write(header);
    }

    @Override
    public void write(byte[] bytes) {
        if (ignoredAfterEnd()) {
            return;
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        pending.append(s);
        all.append(s);
    }

    @Override
    public void flush() {
        if (ignoredAfterEnd()) {
            return;
        }
        flushes.add(pending.toString());
        pending.setLength(0);
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void end(byte[] footer, String reason) {
        if (ignoredAfterEnd()) {
            return;
        }
        write(footer);
        flush();
        endReason = reason;
        if (format.mode() == Mode.STREAM) {
            active = false; // a stream's end closes its socket
        }
    }

    private boolean ignoredAfterEnd() {
        if (endReason == null) {
            return false;
        }
        callsAfterEnd++;
        return true;
    }

    String text() {
        return all.toString();
    }

    boolean ended() {
        return endReason != null;
    }
}
