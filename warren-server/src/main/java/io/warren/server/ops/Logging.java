package io.warren.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code log-level} and {@code log-format} options to Logback at start and on reload: the
 * root level, and console output as text lines or one JSON object per line (Logback's
 * {@link JsonEncoder}, with key/value pairs such as the access log's fields). Does nothing when SLF4J is
 * bound to another backend (an embedding application's choice wins).
 */
public final class Logging {
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

    private Logging() {}

    public static void apply(String level, String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        boolean json = "json".equalsIgnoreCase(format);
        if (root.getAppender("STDOUT") instanceof ConsoleAppender<ILoggingEvent> current
                && (current.getEncoder() instanceof JsonEncoder) == json) {
            return;
        }
        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonEncoder e = new JsonEncoder();
            e.setWithSequenceNumber(false);
            e.setWithNanoseconds(false);
            e.setWithContext(false);
            e.setWithArguments(false);
            e.setWithMessage(false);
            e.setWithFormattedMessage(true);
            e.setContext(ctx);
            e.start();
            encoder = e;
        } else {
            PatternLayoutEncoder e = new PatternLayoutEncoder();
            e.setPattern(PATTERN);
            e.setContext(ctx);
            e.start();
            encoder = e;
        }
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setName("STDOUT");
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.core.Appender<ILoggingEvent> old = root.getAppender("STDOUT");
        root.addAppender(appender);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }
}
