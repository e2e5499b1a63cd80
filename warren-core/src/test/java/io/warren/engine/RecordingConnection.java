package io.warren.engine;

import io.warren.format.Format;
import io.warren.spi.Connection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A connection that records what the engine sends, as text, per flush. */
final class RecordingConnection implements Connection {
    final Format format;
    final StringBuilder pending = new StringBuilder();
    final List<String> flushes = new ArrayList<>();
    final StringBuilder all = new StringBuilder();
    boolean writable = true;
    boolean active = true;
    boolean opened;
    String endReason;

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
        if (endReason != null) {
            throw new AssertionError("write after end");
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        pending.append(s);
        all.append(s);
    }

    @Override
    public void flush() {
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
        write(footer);
        flush();
        endReason = reason;
    }

    String text() {
        return all.toString();
    }

    boolean ended() {
        return endReason != null;
    }
}
