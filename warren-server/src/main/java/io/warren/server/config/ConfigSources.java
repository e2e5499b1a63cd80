package io.warren.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a value comes from, one owner for the precedence: a flag, else a {@code WARREN_KEY} environment
 * variable, else the YAML file named by {@code --config} (or {@code WARREN_CONFIG}), else the default.
 * Picocli applies flags; this class answers the rest as its default value provider.
 */
final class ConfigSources implements CommandLine.IDefaultValueProvider {
    /** Options that are never read from the environment or the file. */
    static final Set<String> COMMAND_ONLY = Set.of("help", "version", "print-config");
    /** Keys of the file that are sections rather than options. */
    private static final Set<String> SECTIONS = Set.of("formats", "history");

    private final Map<String, String> env;
    private final Map<String, Object> file;

    private ConfigSources(Map<String, String> env, Map<String, Object> file) {
        this.env = env;
        this.file = file;
    }

    /** Reads the file named in {@code args} or {@code env}, refusing unknown keys of {@code spec}. */
    static ConfigSources read(String[] args, Map<String, String> env, CommandSpec spec) {
        return new ConfigSources(env, loadFile(args, env, spec));
    }

    /** The file's raw value for a key or section, null when absent. */
    Object file(String key) {
        return file.get(key);
    }

    /** Where the value of {@code key} came from, for --print-config. */
    String source(String key, boolean flag) {
        return flag
                ? "flag"
                : env.containsKey(envName(key)) ? "env " + envName(key) : file.containsKey(key) ? "file" : "default";
    }

    @Override
    public String defaultValue(ArgSpec spec) {
        if (!(spec instanceof OptionSpec o)) {
            return null;
        }
        String key = key(o);
        if (COMMAND_ONLY.contains(key)) {
            return o.defaultValue();
        }
        String e = env.get(envName(key));
        if (e != null) {
            return e;
        }
        Object v = file.get(key);
        if (v instanceof Map<?, ?>) {
            throw new IllegalArgumentException(
                    "config file: " + key + " must be a single value or a list, not a mapping: " + v);
        }
        if (v != null) {
            return String.valueOf(v);
        }
        return o.defaultValue();
    }

    /** {@code WARREN_*} variables that name no option of {@code spec} (the launcher's own are left alone). */
    static List<String> unknownEnvironment(Map<String, String> env, CommandSpec spec) {
        Set<String> known = new TreeSet<>();
        for (String k : knownKeys(spec)) {
            known.add(envName(k));
        }
        known.add("WARREN_JAVA_OPTS");
        List<String> unknown = new ArrayList<>();
        for (String k : env.keySet()) {
            if (k.startsWith("WARREN_") && !known.contains(k)) {
                unknown.add(k);
            }
        }
        Collections.sort(unknown);
        return unknown;
    }

    static String key(OptionSpec o) {
        return o.longestName().substring(2);
    }

    static String envName(String key) {
        return "WARREN_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Set<String> knownKeys(CommandSpec spec) {
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (!COMMAND_ONLY.contains(key(o))) {
                known.add(key(o));
            }
        }
        return known;
    }

    private static Map<String, Object> loadFile(String[] args, Map<String, String> env, CommandSpec spec) {
        String path = env.get("WARREN_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        if (path == null) {
            return Map.of();
        }
        File f = new File(path);
        if (!f.isFile() || !f.canRead()) {
            throw new IllegalArgumentException(
                    "config: cannot read file '" + path + "'" + (f.exists() ? "" : " (no such file)"));
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper(new YAMLFactory()).readValue(f, Map.class);
            m = m == null ? new LinkedHashMap<>() : m;
            Set<String> known = knownKeys(spec);
            known.remove("config");
            known.addAll(SECTIONS);
            for (String k : m.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException(
                            "config file " + path + ": unknown key '" + k + "' (known: " + known + ")");
                }
            }
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("config: file '" + path + "' is not a YAML mapping of options: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
