package io.warren.server.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects Netty's LEAK reports (logged by ResourceLeakDetector at ERROR). Tests run with leak detection
 * paranoid; {@link TestServer#close()} fails the test when any report was collected.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getFormattedMessage().contains("LEAK")) {
            REPORTS.add(e.getFormattedMessage());
        }
    }

    public static List<String> reports() {
        return List.copyOf(REPORTS);
    }

    public static void clear() {
        REPORTS.clear();
    }
}
