package io.warren.server.config;

import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --print-config}: the effective configuration as YAML, each value with its source, secrets masked. */
final class ConfigPrinter {
    /** Options whose values are masked whole. */
    private static final Pattern SECRET = Pattern.compile(".*(key|secret|password|token).*");
    /** user:password@ in a URI (redis://:secret@host). */
    private static final Pattern CREDENTIALS = Pattern.compile("([a-z][a-z0-9+.-]*://)[^/@\\s]*@");

    private ConfigPrinter() {}

    static String describe(CommandLine.ParseResult r, ConfigSources sources) {
        StringBuilder sb = new StringBuilder(
                "# Effective Warren configuration (precedence: flag > environment > file > default)\n");
        for (OptionSpec o : r.commandSpec().options()) {
            String key = ConfigSources.key(o);
            if (ConfigSources.COMMAND_ONLY.contains(key)) {
                continue;
            }
            sb.append(key)
                    .append(": ")
                    .append(shown(key, o.getValue()))
                    .append("   # ")
                    .append(sources.source(key, r.hasMatchedOption(o)))
                    .append('\n');
        }
        if (sources.file("formats") instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append("formats:   # file; built in: sse, stream, iframe, longpoll, jsonp\n");
            for (Object name : m.keySet()) {
                sb.append("  ").append(name).append(": { ... }\n");
            }
        }
        return sb.toString();
    }

    private static String shown(String key, Object v) {
        if (v == null) {
            return "~";
        }
        if (SECRET.matcher(key).matches()) {
            return "'****'";
        }
        if (CREDENTIALS.matcher(String.valueOf(v)).find()) {
            // Keep the scheme and host, hide the rest.
            return yamlScalar(CREDENTIALS.matcher(String.valueOf(v)).replaceAll("$1****@"));
        }
        return yamlScalar(String.valueOf(v));
    }

    private static String yamlScalar(String v) {
        return v.matches("[A-Za-z0-9_./:-]+") ? v : "'" + v.replace("'", "''") + "'";
    }
}
